"""Regions and sectors are data: the default province comes with the migrations; another loads its own."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from marketplace.models import Region, Sector

pytestmark = pytest.mark.django_db


def test_migrations_load_sichuan_and_the_two_level_taxonomy():
    assert Region.objects.filter(province_code="510000").count() == 21
    assert Region.objects.get(code="513400").name == "凉山彝族自治州"
    assert Sector.objects.filter(parent__isnull=True, is_key_sector=True).count() == 5
    assert Sector.objects.get(code="manufacturing.02").parent.code == "manufacturing"


def test_another_province_is_loaded_with_a_command(tmp_path):
    guangdong = {
        "province": {"code": "440000", "name": "广东省"},
        "regions": [{"code": "440100", "name": "广州市"}, {"code": "440300", "name": "深圳市"}],
    }
    path = tmp_path / "guangdong.json"
    path.write_text(json.dumps(guangdong, ensure_ascii=False), encoding="utf-8")
    call_command("load_regions", str(path))
    call_command("load_regions", str(path))  # idempotent
    assert list(Region.objects.filter(province_code="440000").values_list("name", flat=True)) == ["广州市", "深圳市"]


def test_a_bad_regions_file_is_refused_and_changes_nothing(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps(
            {
                "province": {"code": "440000", "name": "广东省"},
                "regions": [{"code": "440100", "name": "广州市"}, {"code": "44", "name": "?"}],
            }
        )
    )
    with pytest.raises(CommandError):
        call_command("load_regions", str(path))
    assert not Region.objects.filter(province_code="440000").exists()
