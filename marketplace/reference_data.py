"""Regions and the sector taxonomy are data: loaded from JSON files, never written into code.

The functions take the model classes so that data migrations can pass their historical models.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from common.errors import DomainError


def read_json(path: str | Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def load_regions(data: dict[str, Any], *, Region) -> tuple[int, int]:
    """Create or update a province's regions. Returns (created, updated)."""
    province = data.get("province") or {}
    regions = data.get("regions") or []
    if not province.get("code") or not province.get("name") or not regions:
        raise DomainError("regions_file_invalid", _("地区文件需包含 province（code、name）和非空的 regions 列表。"))
    created = updated = 0
    with transaction.atomic():
        for order, item in enumerate(regions):
            code, name = str(item.get("code", "")), item.get("name", "")
            if len(code) != 6 or not code.isdigit() or not name:
                raise DomainError("regions_file_invalid", _("第 {n} 个地区的代码或名称无效。").format(n=order + 1))
            _obj, was_created = Region.objects.update_or_create(
                code=code,
                defaults={
                    "name": name,
                    "province_code": province["code"],
                    "province_name": province["name"],
                    "sort_order": order,
                },
            )
            created += was_created
            updated += not was_created
    return created, updated


def load_sectors(data: dict[str, Any], *, Sector) -> tuple[int, int]:
    """Create or update the two-level taxonomy. Returns (created, updated)."""
    created = updated = 0
    order = 0
    with transaction.atomic():
        for top in data.get("sectors", []):
            parent, was_created = Sector.objects.update_or_create(
                code=top["code"],
                defaults={
                    "name": top["name"],
                    "parent": None,
                    "is_key_sector": bool(top.get("key_sector")),
                    "sort_order": order,
                },
            )
            created += was_created
            updated += not was_created
            order += 1
            for sub in top.get("subsectors", []):
                _obj, was_created = Sector.objects.update_or_create(
                    code=sub["code"],
                    defaults={
                        "name": sub["name"],
                        "parent": parent,
                        "is_key_sector": parent.is_key_sector,
                        "sort_order": order,
                    },
                )
                created += was_created
                updated += not was_created
                order += 1
    return created, updated
