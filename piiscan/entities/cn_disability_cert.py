"""CN_DISABILITY_CERT: Disability certificate number (残疾人证号).

Found by :mod:`piiscan.detectors.disability`; headers and context words in
``patterns/types/CN_DISABILITY_CERT.toml``.
"""
from __future__ import annotations

from ..validators import disability_cert
from .identifier import identifier_spec
from .spec import SENSITIVE


def generalize(value: str) -> str:
    """The holder's region and the category of disability: ``江西省抚州市乐安县，肢体残疾``."""
    from .forms import region_path

    digits = disability_cert.compact(value)
    kinds = {"visual": "视力残疾", "hearing": "听力残疾", "speech": "言语残疾", "physical": "肢体残疾",
             "intellectual": "智力残疾", "mental": "精神残疾", "multiple": "多重残疾"}
    try:
        kind = kinds[disability_cert.category(digits)]
    except (IndexError, ValueError):
        kind = "残疾"
    return f"{region_path(digits[:6]) or '[残疾人证号]'}，{kind}"


SPEC = identifier_spec(
    "CN_DISABILITY_CERT", "残疾人证号", "Disability certificate number",
    "A 20-character 残疾人证号: a valid resident ID followed by the disability category (1-7) and grade (1-4); "
    "health information, so sensitive.",
    category=SENSITIVE,
    compact=disability_cert.compact,
    detector="piiscan.detectors.disability:DisabilityCertDetector",
    keep=(6, 0),
    generalize=generalize,
)
