"""Authoring aid for the second, harder labelled market (writes tests/data/matching_market2_*.json).

Written independently of the first set (`build_matching_eval.py`): new domains, new texts, vendor copy for
the products and administrative language for the scenarios. It is generated from a few tables so that it is
large (40 domains, 64 scenarios, 400 products) and so that every grade follows from one written rule:

- the same domain and the technique the scenario needs: 3 when mature or scaled, 2 at pilot, 1 a prototype;
- the same domain and the scenario's second-choice technique: 2 (1 a prototype); the same domain, another
  technique: 1;
- the same technique for another domain of the same sub-area: 2 (1 a prototype); of the same top-level
  sector: 1; of another sector: 0 (the wrong domain);
- a broad platform that claims the scenario's sector and the technique among its many tags: 1, else 0.

The kinds of difficulty issue 14 names are all here many times: platforms stuffed with generic tags and
sectors; the same technique offered for the wrong domain; scenarios that say what the department wants done
while the products say how it is done; prototypes and distant look-alikes beside mature, local, exact fits;
and supplier names that carry words of other domains ("boilerplate" inside the vendor copy).

    python tests/data/build_matching_market2.py
"""

import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from common.credit_code import make_credit_code

CITIES = {
    "510100": "成都",
    "510300": "自贡",
    "510400": "攀枝花",
    "510500": "泸州",
    "510600": "德阳",
    "510700": "绵阳",
    "510800": "广元",
    "510900": "遂宁",
    "511000": "内江",
    "511100": "乐山",
    "511300": "南充",
    "511400": "眉山",
    "511500": "宜宾",
    "511600": "广安",
    "511700": "达州",
    "511800": "雅安",
    "511900": "巴中",
    "512000": "资阳",
    "513200": "阿坝",
    "513300": "甘孜",
    "513400": "凉山",
}

# Techniques: how a product does it (vendor words), what a product is called, its specific tags, and what a
# department says when it wants it done (administrative words).
TECHNIQUES = {
    "vision": dict(
        names=["智能视觉识别系统", "AI视觉检测平台", "图像识别一体机", "视觉质检工作站"],
        how=[
            "采用深度学习目标检测与实例分割算法，结合高分辨率工业相机与定制光源，对{o1}进行逐帧识别",
            "基于卷积神经网络与小样本迁移学习，仅需少量标注样本即可完成{o1}识别模型训练",
            "支持多相机同步采集与边缘端推理，单张图像识别耗时低于50毫秒",
        ],
        tags=["深度学习", "目标检测", "图像分割", "小样本学习"],
        wants=["替代人工目检", "识别准确率", "减少漏检"],
    ),
    "med_imaging": dict(
        names=["医学影像辅助诊断系统", "AI影像筛查软件", "智能阅片平台"],
        how=[
            "基于三维卷积网络对{o1}进行自动检出、分割与良恶性评估，生成结构化报告",
            "与医院PACS系统对接，阅片结果自动回传，敏感度达95%以上",
            "模型经多中心临床数据训练，已取得医疗器械注册证",
        ],
        tags=["医学影像", "辅助诊断", "PACS对接", "结构化报告"],
        wants=["提高诊断效率", "减少误诊漏诊", "提升基层诊疗能力"],
    ),
    "predictive": dict(
        names=["预测性维护系统", "设备健康管理平台", "智能故障诊断系统"],
        how=[
            "通过加装振动、温度与电流传感器，采集{o1}运行数据，利用频谱分析与深度学习模型识别早期故障特征",
            "基于剩余寿命预测模型给出维修建议，自动生成检修工单",
            "支持边缘网关本地计算，断网时数据不丢失",
        ],
        tags=["振动分析", "故障诊断", "剩余寿命预测", "状态监测"],
        wants=["提前发现故障隐患", "减少非计划停机", "从定期检修转向预知维护"],
    ),
    "drone": dict(
        names=["无人机自主巡检系统", "无人机机巢巡检方案", "智能航测巡查平台"],
        how=[
            "采用多旋翼无人机搭载可见光与红外双光吊舱，按预设航线自动飞行，对{o1}进行全覆盖拍摄",
            "机场式机巢自动换电，AI实时识别{o2}等异常并推送告警",
            "支持三维航线规划与厘米级RTK定位",
        ],
        tags=["无人机", "自主飞行", "航线规划", "红外热成像"],
        wants=["减少人工登高和徒步巡查", "扩大巡查覆盖范围", "提高巡查频次"],
    ),
    "robot_patrol": dict(
        names=["智能巡检机器人", "挂轨式巡检机器人", "四足巡检机器人"],
        how=[
            "机器人沿轨道或自主导航移动，搭载高清摄像机、红外测温与气体传感器，对{o1}开展24小时巡视",
            "采用激光SLAM定位，可在无GPS信号环境下稳定运行，识别{o2}并联动报警",
            "支持远程操控与自动回充，防护等级IP65",
        ],
        tags=["巡检机器人", "激光SLAM", "红外测温", "气体检测"],
        wants=["实现无人化巡视", "减少人员进入危险区域", "巡查不留死角"],
    ),
    "llm_qa": dict(
        names=["大模型智能问答助手", "智能问答知识库系统", "AI对话助手"],
        how=[
            "基于行业大模型与检索增强生成技术，构建{o1}知识库，支持多轮对话与意图识别",
            "支持私有化部署与知识自动更新，回答附带出处，可人工审核",
            "提供网页、小程序、热线等多渠道接入",
        ],
        tags=["大语言模型", "检索增强生成", "多轮对话", "知识库"],
        wants=["7×24小时答复咨询", "减轻人工坐席压力", "答复口径统一"],
    ),
    "video_behavior": dict(
        names=["视频智能分析系统", "AI视频行为识别平台", "智能视频监控预警系统"],
        how=[
            "复用现有监控摄像头，通过视频结构化与人体姿态估计算法识别{o1}相关违规行为",
            "边缘计算盒子就近分析，识别到{o2}即时抓拍并推送至管理人员手机",
            "支持算法仓库按需下发，新增识别类型无需更换硬件",
        ],
        tags=["视频结构化", "行为识别", "姿态估计", "边缘计算"],
        wants=["及时发现违规行为", "从事后查处转向实时预警", "减少人工盯屏"],
    ),
    "forecast": dict(
        names=["智能监测预警平台", "风险预测预警系统", "AI时序预测平台"],
        how=[
            "融合物联网传感器与历史数据，采用时序预测模型对{o1}关键指标进行滚动预测",
            "自适应阈值与多指标关联分析，提前数小时发出{o2}预警",
            "提供风险分级与处置预案推荐",
        ],
        tags=["时序预测", "多源数据融合", "风险预警", "物联网"],
        wants=["提前预警", "变被动处置为主动防范", "风险早发现早处置"],
    ),
    "wearable": dict(
        names=["智能健康手环", "可穿戴监测终端", "智能监护腕表"],
        how=[
            "终端内置心率、血氧、体温与加速度传感器，持续采集生理参数，跌倒检测算法识别{o2}",
            "一键呼救与电子围栏，异常数据自动推送给家属和服务中心",
            "续航15天，支持4G与蓝牙双模通信",
        ],
        tags=["可穿戴设备", "生理参数监测", "跌倒检测", "一键呼救"],
        wants=["及时掌握身体状况", "出现意外能第一时间知晓", "减轻照护人员负担"],
    ),
    "scheduling": dict(
        names=["智能调度优化系统", "AI排程调度平台", "运筹优化引擎"],
        how=[
            "基于运筹优化与强化学习算法，对{o1}进行动态调度与路径规划",
            "分钟级重排计划，应对插单和突发变化，提升整体效率20%以上",
            "与现有业务系统接口对接，调度结果可视化展示",
        ],
        tags=["运筹优化", "强化学习", "路径规划", "动态调度"],
        wants=["提升周转效率", "降低运行成本", "科学合理安排"],
    ),
    "ocr_doc": dict(
        names=["智能文档识别系统", "OCR要素抽取平台", "文档智能审核系统"],
        how=[
            "通过OCR与版面分析识别{o1}中的文字、表格与印章，自动抽取关键要素",
            "支持手写体与模糊扫描件识别，字段准确率达98%",
            "抽取结果可一键导入业务系统，全程留痕",
        ],
        tags=["OCR", "版面分析", "要素抽取", "文档理解"],
        wants=["减少人工录入", "提高审核效率", "材料信息自动提取"],
    ),
    "knowledge_graph": dict(
        names=["知识图谱研判系统", "智能关联分析平台", "风险画像分析系统"],
        how=[
            "融合多部门数据构建{o1}知识图谱，通过实体关系抽取与图谱推理发现隐藏关联",
            "自动生成风险画像与研判报告，线索可追溯",
            "支持图谱可视化探索与规则自定义",
        ],
        tags=["知识图谱", "关联分析", "实体抽取", "风险画像"],
        wants=["精准发现问题线索", "提升研判能力", "数据多跑路"],
    ),
    "remote_sensing": dict(
        names=["遥感影像智能解译系统", "卫星遥感监测平台", "天空地一体化监测系统"],
        how=[
            "基于高分辨率卫星与多光谱遥感影像，采用变化检测算法对{o1}进行周期性监测",
            "自动提取{o2}疑似图斑并推送核查，一张图管理",
            "支持亚米级影像与历史影像对比分析",
        ],
        tags=["卫星遥感", "多光谱", "变化检测", "影像解译"],
        wants=["大范围动态掌握情况", "问题早发现", "减少实地排查工作量"],
    ),
    "agv": dict(
        names=["AMR自主移动机器人", "智能搬运机器人系统", "激光导航AGV"],
        how=[
            "采用激光导航自主移动机器人，自动完成{o1}的取放与转运，多车集群调度避免拥堵",
            "与MES/WMS系统对接，任务自动下发，定位精度±10毫米",
            "支持自动充电与安全避障，7×24小时运行",
        ],
        tags=["自主移动机器人", "激光导航", "多车调度", "自动搬运"],
        wants=["减少人工搬运", "物流环节自动衔接", "降低人工成本"],
    ),
    "speech": dict(
        names=["智能语音交互系统", "语音讲解机器人", "AI语音助手"],
        how=[
            "融合语音识别、语音合成与方言识别技术，为{o1}提供自然语音交互",
            "支持远场拾音与多语种播报，内容可后台一键更新",
            "具备情感陪伴与主动提醒能力",
        ],
        tags=["语音识别", "语音合成", "方言识别", "人机对话"],
        wants=["提供讲解和陪伴服务", "方便群众使用", "服务更有温度"],
    ),
    "digital_twin": dict(
        names=["数字孪生管理平台", "三维可视化孪生系统", "数字孪生仿真平台"],
        how=[
            "通过三维建模与物联网实时数据驱动，构建{o1}数字孪生体，实现状态实时映射",
            "支持仿真推演与方案比选，辅助管理决策",
            "大屏、桌面、移动端多端展示",
        ],
        tags=["数字孪生", "三维建模", "仿真推演", "可视化"],
        wants=["一屏掌握全局", "辅助科学决策", "管理可视化"],
    ),
    "recommend": dict(
        names=["个性化推荐引擎", "智能学情分析系统", "用户画像推荐平台"],
        how=[
            "构建{o1}用户画像，基于协同过滤与深度推荐模型给出个性化内容",
            "实时追踪行为数据，推荐结果可解释",
            "支持A/B测试与效果评估",
        ],
        tags=["用户画像", "个性化推荐", "协同过滤", "数据分析"],
        wants=["因人施策", "精准推送", "提升服务针对性"],
    ),
}

GENERIC_TAGS = [
    "人工智能",
    "大数据",
    "云计算",
    "物联网",
    "数字化转型",
    "智慧城市",
    "工业互联网",
    "数据中台",
    "算法平台",
    "可视化",
    "机器学习",
    "深度学习",
    "智能分析",
    "AI中台",
    "边缘计算",
    "5G",
    "区块链",
    "SaaS",
    "低代码",
    "数据治理",
]

# Domains: (key, sector, objects (o1 the thing, o2 the trouble, o3, o4 more of its words), the technique it
# needs, its second choice, the situation as a department writes it)
DOMAINS = [
    ("casting", "manufacturing.02", ["铸件", "砂眼气孔", "冷隔", "压铸"], "vision", "digital_twin", "压铸车间"),
    ("electrode", "manufacturing.02", ["锂电池极片", "涂布褶皱", "电芯", "辊压"], "vision", "forecast", "极片产线"),
    ("pv", "manufacturing.02", ["光伏组件", "隐裂", "电池片", "EL图像"], "vision", "predictive", "组件车间"),
    ("textile", "manufacturing.02", ["坯布", "断经断纬", "织物", "织机"], "vision", "scheduling", "织造车间"),
    ("windgear", "manufacturing.03", ["风电机组齿轮箱", "轴承磨损", "主轴", "风场"], "predictive", "drone", "风电场"),
    (
        "spindle",
        "manufacturing.03",
        ["数控机床主轴", "刀具磨损", "加工中心", "机加"],
        "predictive",
        "vision",
        "机加车间",
    ),
    ("pump", "manufacturing.03", ["供水泵组", "电机过热", "泵站", "水厂"], "predictive", "digital_twin", "泵站"),
    ("stacker", "manufacturing.04", ["立体仓库", "库位", "堆垛机", "出入库"], "scheduling", "agv", "成品仓库"),
    ("material", "manufacturing.08", ["产线物料", "缺料停线", "料箱", "工位"], "agv", "scheduling", "装配车间"),
    (
        "chempark",
        "manufacturing.09",
        ["危化品储罐", "泄漏", "反应釜", "化工园区"],
        "forecast",
        "video_behavior",
        "化工园区",
    ),
    (
        "kiln",
        "manufacturing.01",
        ["窑炉工艺参数", "能耗偏高", "良品率", "烧成"],
        "forecast",
        "digital_twin",
        "陶瓷窑炉",
    ),
    ("powerline", "emergency.03", ["输电线路", "绝缘子破损", "杆塔", "导线"], "drone", "vision", "输电线路"),
    (
        "tunnel",
        "emergency.05",
        ["综合管廊", "电缆舱积水", "管廊舱室", "隧道"],
        "robot_patrol",
        "digital_twin",
        "综合管廊",
    ),
    ("forest", "emergency.06", ["林区", "火点烟雾", "林草", "瞭望塔"], "remote_sensing", "drone", "林区"),
    ("flood", "emergency.08", ["山洪沟道", "泥石流", "降雨", "隐患点"], "forecast", "remote_sensing", "山区乡镇"),
    (
        "worksite",
        "emergency.10",
        ["施工现场", "未戴安全帽", "高处作业", "塔吊"],
        "video_behavior",
        "wearable",
        "在建工地",
    ),
    ("mine", "emergency.09", ["煤矿井下", "瓦斯超限", "采掘工作面", "矿井"], "forecast", "video_behavior", "煤矿"),
    ("rescue", "emergency.01", ["倒塌废墟", "被困人员", "生命探测", "搜救"], "robot_patrol", "drone", "救援队"),
    ("airdrop", "emergency.13", ["应急物资", "道路中断", "山区投送", "载重"], "drone", "scheduling", "偏远山区"),
    ("elderhome", "livelihood.02", ["独居老人居家", "夜间跌倒", "居家", "社区"], "wearable", "video_behavior", "社区"),
    ("chronic", "livelihood.03", ["慢病患者", "血压异常", "随访", "高血压"], "wearable", "llm_qa", "基层卫生院"),
    ("carehome", "livelihood.04", ["养老院失能老人", "孤独无人陪", "照护", "护理员"], "speech", "wearable", "养老院"),
    (
        "kitchen",
        "livelihood.09",
        ["餐饮后厨", "未戴口罩", "明厨亮灶", "后厨"],
        "video_behavior",
        "knowledge_graph",
        "餐饮单位",
    ),
    ("elevator", "livelihood.11", ["电梯", "困人故障", "特种设备", "维保"], "forecast", "video_behavior", "小区电梯"),
    ("lung", "livelihood.07", ["胸部CT", "肺结节", "影像科", "基层医院"], "med_imaging", "llm_qa", "县级医院"),
    ("scenic", "commerce_tourism.05", ["景区游客咨询", "高峰排队", "门票", "游客"], "llm_qa", "speech", "景区"),
    ("museum", "commerce_tourism.04", ["博物馆展品", "讲解员不足", "文物", "展厅"], "speech", "llm_qa", "博物馆"),
    ("checkout", "commerce_tourism.03", ["商超商品", "收银排队", "货架", "盘点"], "vision", "scheduling", "连锁超市"),
    (
        "delivery",
        "commerce_tourism.08",
        ["末端快递配送", "配送延误", "社区配送", "快递"],
        "scheduling",
        "agv",
        "快递网点",
    ),
    (
        "govqa",
        "city_governance.02",
        ["政务服务事项", "办事指南", "12345热线", "窗口"],
        "llm_qa",
        "knowledge_graph",
        "政务服务中心",
    ),
    (
        "signal",
        "city_governance.03",
        ["路口信号灯", "早晚高峰拥堵", "车流", "主干道"],
        "forecast",
        "video_behavior",
        "城区主干道",
    ),
    (
        "cityevent",
        "city_governance.06",
        ["市容市貌", "占道经营", "暴露垃圾", "街面"],
        "video_behavior",
        "knowledge_graph",
        "城区街道",
    ),
    (
        "building",
        "city_governance.05",
        ["城市建筑", "违法建设", "楼栋", "房屋"],
        "remote_sensing",
        "digital_twin",
        "城区",
    ),
    (
        "market",
        "city_governance.01",
        ["经营主体", "虚假宣传", "网络交易", "商户"],
        "knowledge_graph",
        "ocr_doc",
        "市场监管局",
    ),
    ("tea", "agriculture", ["茶园", "茶树病虫害", "茶叶", "采摘"], "vision", "drone", "茶园基地"),
    ("pig", "agriculture", ["生猪养殖", "猪只体况", "猪舍", "母猪"], "vision", "forecast", "养殖场"),
    ("archive", "government_services", ["档案卷宗", "纸质材料", "公文", "扫描件"], "ocr_doc", "llm_qa", "档案馆"),
    ("homework", "education", ["学生作业", "批改负担", "学情", "错题"], "ocr_doc", "recommend", "中小学"),
    ("emr", "healthcare", ["住院病历", "病历缺陷", "诊疗", "质控"], "knowledge_graph", "llm_qa", "医院"),
    ("bridge", "transport", ["公路桥梁", "桥面裂缝", "支座", "桥墩"], "drone", "vision", "公路桥梁"),
]

# The department's words for its situation and what it wants; {o1}… are the domain's objects, {want} one of
# the technique's administrative phrases.
SCENARIO_TITLES = [
    "{place}{o1}智能化管理需求",
    "{o1}{o4}提质增效场景",
    "{place}{o2}问题治理",
    "关于{o1}的智能化改造需求",
]
SCENARIO_PURPOSES = [
    "我单位{place}现有{o1}管理主要依靠人工，{o2}等问题发现不及时，人员少、任务重。希望引入人工智能手段，{want}，{want2}。",
    "近年来{o1}规模不断扩大，{o2}时有发生，传统管理方式已难以满足要求。拟通过本场景{want}，推动{o4}工作由粗放向精细转变。",
    "为落实上级关于{o4}工作的部署，需解决{o2}难题，做到{want}、{want2}，提升管理水平和群众满意度。",
]
SCENARIO_REQUIREMENTS = [
    "覆盖{place}全部{o3}；{want2}；系统需与现有平台对接，数据本地存储，三个月内完成试点。",
    "方案须说明实施路径与运维保障；{o2}发现率不低于90%；提供不少于一年的免费维护。",
    "优先考虑有同类项目经验的企业；需满足等保二级要求；按效果分期付款。",
]

PRODUCT_NAME_FORMS = ["{o1}{tname}", "{tname}（{o4}版）", "{brand}{o1}{tname}", "{o3}{tname}"]
BENEFITS = [
    "帮助客户{want}，投入产出比高。",
    "已在多个项目落地，可{want}。",
    "",
    "",
]
BOILERPLATE = [
    "本产品由{supplier}自主研发，拥有多项发明专利。",
    "{supplier}是国家高新技术企业，提供7×24小时售后服务。",
    "",
    "",
    "",
]
BRANDS = ["智瞳", "慧眼", "天枢", "灵犀", "云鹰", "磐石", "星河", "睿思", "明鉴", "通达"]
SUPPLIER_WORDS = ["智能", "科技", "信息", "数智", "智造", "云"]
# Words of other domains in suppliers' names: the provider's name is boilerplate, not evidence of a domain.
NAME_DECOYS = ["健康", "医疗", "安全", "电力", "教育", "农业", "交通", "城市", "能源", "文旅", "矿山", "养老"]

PLATFORM_NAMES = [
    "全栈AI赋能平台",
    "城市智能中枢",
    "通用人工智能开放平台",
    "行业大模型一体机",
    "智能物联综合管理平台",
    "数字化转型解决方案",
    "AI算法超市",
    "智慧园区综合平台",
]


def build():
    rng = random.Random(20261202)
    cities = list(CITIES)
    orgs, products, scenarios, meta = [], [], [], {}
    serial = 20000

    def new_org(name, region, kind, quals=()):
        nonlocal serial
        serial += 1
        key = f"m2-o{serial}"
        org = {
            "key": key,
            "name": name,
            "credit_code": make_credit_code(region, serial),
            "kind": kind,
            "region": region,
        }
        if kind == "supplier":
            org["qualifications"] = list(quals)
        orgs.append(org)
        return key

    suppliers = []
    for i in range(90):
        region = cities[0] if i % 3 == 0 else rng.choice(cities)
        decoy = rng.choice(NAME_DECOYS) if rng.random() < 0.5 else ""
        name = (
            f"{CITIES[region]}{rng.choice(BRANDS)}{decoy}{rng.choice(SUPPLIER_WORDS)}{'技术' if i % 2 else ''}有限公司"
        )
        name = name.replace("有限公司", f"{i:02d}号有限公司") if any(o["name"] == name for o in orgs) else name
        quals = rng.sample(["high_tech", "tech_sme", "specialized_sme", "little_giant"], rng.randint(0, 2))
        suppliers.append((new_org(name, region, "supplier", quals), name, region))

    def fill(text, objects, extra):
        o1, o2, o3, o4 = objects
        return text.format(o1=o1, o2=o2, o3=o3, o4=o4, **extra)

    def product(domain, technique, maturity, supplier=None, region_pref=None):
        _key, sector, objects, *_rest = domain if domain else (None, None, None)
        t = TECHNIQUES[technique]
        if supplier is None:
            pool = [s for s in suppliers if region_pref is None or s[2] == region_pref] or suppliers
            supplier = rng.choice(pool)
        skey, sname, _region = supplier
        extra = dict(
            tname=rng.choice(t["names"]),
            brand=rng.choice(BRANDS),
            want=rng.choice(t["wants"]),
            supplier=sname,
        )
        how = rng.sample(t["how"], 2)
        sentences = [fill(h, objects, extra) for h in how]
        sentences.append(fill(rng.choice(BENEFITS), objects, extra))
        sentences.append(fill(rng.choice(BOILERPLATE), objects, extra))
        description = "。".join(s.rstrip("。") for s in sentences if s) + "。"
        tags = [*rng.sample(t["tags"], 3), objects[2], *rng.sample(GENERIC_TAGS, rng.randint(0, 2))]
        price = rng.choice([(20, 80), (50, 200), (100, 400), (10, 40), (150, 600)])
        # Vendors choose sectors loosely: some only the top-level sector, some add a neighbour or another one.
        sectors, roll = [sector], rng.random()
        if roll < 0.15:
            sectors = [_top(sector)]
        elif roll < 0.3:
            sectors.append(rng.choice([d[1] for d in DOMAINS if _top(d[1]) == _top(sector)]))
        elif roll < 0.4:
            sectors.append(rng.choice(DOMAINS)[1])
        key = f"m2-p{len(products) + 1:03d}"
        products.append(
            {
                "key": key,
                "supplier": skey,
                "name": fill(rng.choice(PRODUCT_NAME_FORMS), objects, extra),
                "description": description,
                "capabilities": list(dict.fromkeys(tags)),
                "sectors": list(dict.fromkeys(sectors)),
                "maturity": maturity,
                "price_min": price[0],
                "price_max": price[1],
            }
        )
        meta[key] = {"domain": domain[0], "sector": sector, "technique": technique, "maturity": maturity}
        return key

    # Ten products per domain: exact fits at every maturity (one local to the domain's usual provider city),
    # its second-choice technique, and two other techniques offered for the same domain.
    providers = {}
    for d in DOMAINS:
        key, sector, objects, need, second, place = d
        home = rng.choice(cities)
        providers[key] = home
        product(d, need, "mature", region_pref=home)
        product(d, need, "scaled")
        product(d, need, "mature")
        product(d, need, "pilot")
        product(d, need, "prototype")
        product(d, second, "mature")
        product(d, second, rng.choice(["pilot", "prototype"]))
        # Other techniques a vendor of this sector plausibly offers for the same domain (those other domains
        # of the sector need): the realistic look-alikes, not nonsense pairs.
        used = {t for other in DOMAINS if _top(other[1]) == _top(sector) for t in other[3:5]}
        others = sorted(used - {need, second}) or sorted(set(TECHNIQUES) - {need, second})
        for t in rng.sample(others, min(2, len(others))) * (2 if len(others) == 1 else 1):
            product(d, t, rng.choice(["mature", "scaled", "pilot"]))

    # Broad platforms: dozens of tags and many sectors, generic copy.
    top_sectors = sorted({d[1] for d in DOMAINS})
    while len(products) < 400:
        supplier = rng.choice(suppliers)
        techniques = rng.sample(list(TECHNIQUES), rng.randint(5, 9))
        sectors = rng.sample(top_sectors, rng.randint(6, 14))
        tags = [tag for t in techniques for tag in TECHNIQUES[t]["tags"]] + rng.sample(GENERIC_TAGS, 10)
        words = [o for d in rng.sample(DOMAINS, 6) for o in d[2][:2]]
        name = f"{rng.choice(BRANDS)}{rng.choice(PLATFORM_NAMES)}"
        offered = "、".join(TECHNIQUES[t]["names"][0] for t in techniques)
        description = (
            f"{name}是面向政府与企业的一站式人工智能平台，集成{offered}等能力，"
            f"覆盖{'、'.join(words)}等上百个应用场景，提供算法训练、模型管理、数据治理与可视化大屏，"
            f"助力客户{rng.choice(TECHNIQUES[techniques[0]]['wants'])}、{rng.choice(TECHNIQUES[techniques[1]]['wants'])}。"
            f"本平台由{supplier[1]}打造，已服务客户超过300家。"
        )
        key = f"m2-p{len(products) + 1:03d}"
        products.append(
            {
                "key": key,
                "supplier": supplier[0],
                "name": name,
                "description": description,
                "capabilities": list(dict.fromkeys(tags)),
                "sectors": sectors,
                "maturity": rng.choice(["mature", "scaled"]),
                "price_min": 50,
                "price_max": 500,
            }
        )
        meta[key] = {"platform": True, "sectors": sectors, "techniques": techniques}

    # Keys in a shuffled order: nothing about a product's grade may follow from its place in the file.
    order = list(range(len(products)))
    rng.shuffle(order)
    renamed = {products[i]["key"]: f"m2-p{n + 1:03d}" for n, i in enumerate(order)}
    products = [products[i] for i in order]
    meta = {renamed.get(k, k): v for k, v in meta.items()}
    for p in products:
        p["key"] = renamed[p["key"]]

    # Scenarios: one or two per domain, in the department's words.
    provider_orgs = {}
    for n, d in enumerate(DOMAINS):
        key, sector, objects, need, second, place = d
        for copy in range(2 if n % 5 != 4 else 1):
            if len(scenarios) >= 64:
                break
            region = providers[key] if copy == 0 else rng.choice(cities)
            pname = f"{CITIES[region]}市{place}管理单位" if copy == 0 else f"{CITIES[region]}{place}运营有限公司"
            pkey = provider_orgs.get(pname) or new_org(pname, region, "government" if copy == 0 else "enterprise")
            provider_orgs[pname] = pkey
            wants = rng.sample(TECHNIQUES[need]["wants"], 2)
            extra = dict(place=place, want=wants[0], want2=wants[1])
            skey = f"m2-s{len(scenarios) + 1:02d}"
            scenarios.append(
                {
                    "key": skey,
                    "provider": pkey,
                    "title": fill(SCENARIO_TITLES[(n + copy) % len(SCENARIO_TITLES)], objects, extra),
                    "category": "government" if copy == 0 else "industry",
                    "sector": sector,
                    "purpose": fill(SCENARIO_PURPOSES[(n + 2 * copy) % len(SCENARIO_PURPOSES)], objects, extra),
                    "requirements": fill(
                        SCENARIO_REQUIREMENTS[(n + copy) % len(SCENARIO_REQUIREMENTS)], objects, extra
                    ),
                    "cooperation_mode": "procurement" if copy == 0 else "pilot",
                    "budget_min": 50,
                    "budget_max": 300,
                    "region": region,
                    "state": "published",
                    "published_at": "2026-06-15",
                }
            )
            meta[skey] = {"domain": key, "sector": sector, "need": need, "second": second}

    labels = {s["key"]: grades(meta[s["key"]], meta, products) for s in scenarios}
    assert len(products) == 400 and len(scenarios) >= 60, (len(products), len(scenarios))
    here = Path(__file__).parent
    market = {"format": "ai-scenario-market/1", "organizations": orgs, "products": products, "scenarios": scenarios}
    (here / "matching_market2.json").write_text(json.dumps(market, ensure_ascii=False, indent=1), encoding="utf-8")
    (here / "matching_market2_labels.json").write_text(
        json.dumps(
            {
                "format": "ai-scenario-market-labels/1",
                "grades": "0 irrelevant … 3 exactly what is asked",
                "labels": labels,
            },
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )
    print(len(products), "products", len(scenarios), "scenarios")


def _top(sector):
    return sector.split(".")[0]


def grades(s, meta, products) -> dict[str, int]:
    """Every product's grade for scenario `s` by the rule in the module docstring (zeros left out)."""
    out = {}
    for p in products:
        m = meta[p["key"]]
        if m.get("platform"):
            g = int(_top(s["sector"]) in {_top(x) for x in m["sectors"]} and s["need"] in m["techniques"])
        elif m["domain"] == s["domain"]:
            if m["technique"] == s["need"]:
                g = {"mature": 3, "scaled": 3, "pilot": 2, "prototype": 1}[m["maturity"]]
            elif m["technique"] == s["second"]:
                g = 1 if m["maturity"] == "prototype" else 2
            else:
                g = 1
        elif m["technique"] == s["need"] and m["sector"] == s["sector"]:
            g = 1 if m["maturity"] == "prototype" else 2
        elif m["technique"] == s["need"] and _top(m["sector"]) == _top(s["sector"]):
            g = 1
        else:
            g = 0
        if g:
            out[p["key"]] = g
    return out


if __name__ == "__main__":
    build()
