"""统一社会信用代码 (unified social credit code), GB 32100-2015: 18 characters with a check character."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def credit_code_error(value: str) -> str | None:
    """Why `value` is not a valid code, or None when it is."""
    if len(value) != 18:
        return _("统一社会信用代码必须为18位（当前为{n}位）。").format(n=len(value))
    bad = sorted({ch for ch in value if ch not in ALPHABET})
    if bad:
        return _("统一社会信用代码含有非法字符：{chars}。").format(chars="".join(bad))
    if not value[2:8].isdigit():
        return _("统一社会信用代码第3至8位应为行政区划代码。")
    if check_character(value[:17]) != value[17]:
        return _("统一社会信用代码校验位不正确。")
    return None


def validate_credit_code(value: str) -> None:
    error = credit_code_error(value)
    if error:
        raise ValidationError(error, code="invalid_credit_code")


def make_credit_code(region_code: str, serial: int, *, dept: str = "9", kind: str = "1") -> str:
    """A valid code for demo and test data: registration dept, kind, region, a 9-char body, check char."""
    body = ""
    n = serial
    for _i in range(9):
        n, r = divmod(n, len(ALPHABET))
        body = ALPHABET[r] + body
    first17 = f"{dept}{kind}{region_code[:6]}{body}"
    return first17 + check_character(first17)
