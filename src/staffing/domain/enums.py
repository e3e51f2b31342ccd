"""Coded values used across the domain, each with its Chinese label.

Every coded column accepts either the English code or the Chinese label, so a
workbook filled in from the drop-down lists of the template loads as it is.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from staffing.errors import Invalid


class Coded(StrEnum):
    """A string enum whose members carry a Chinese label (see `add_labels`)."""

    @property
    def zh(self) -> str:
        return _ZH_LABELS[type(self).__name__][self.value]

    @classmethod
    def parse(cls, raw: object) -> Self:
        """Return the member named by its code or Chinese label; raise ValueError."""
        if isinstance(raw, cls):
            return raw
        text = str(raw).strip()
        lowered = text.lower().replace(" ", "_").replace("-", "_")
        for member in cls:
            if lowered == member.value or text == member.zh:
                return member
        raise Invalid(f"not one of {cls.choices()}", "不是可选的代码或中文名称",
                      expected="one of " + cls.choices(),
                      expected_zh=cls.choices_zh())

    @classmethod
    def choices(cls) -> str:
        """The valid codes, for error messages."""
        return ", ".join(member.value for member in cls)

    @classmethod
    def choices_zh(cls) -> str:
        """The valid codes with their Chinese labels, for Chinese error messages."""
        return "以下之一：" + "、".join(f"{m.value}（{m.zh}）" for m in cls)


class Tier(Coded):
    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"

    @property
    def is_grassroots(self) -> bool:
        return self is not Tier.COUNTY


class Title(Coded):
    """Professional title of a person, or the grade of a post (ordered)."""

    NONE = "none"
    JUNIOR = "junior"
    INTERMEDIATE = "intermediate"
    ASSOCIATE_SENIOR = "associate_senior"
    SENIOR = "senior"

    @property
    def level(self) -> int:
        return _TITLE_ORDER.index(self)

    @property
    def is_senior(self) -> bool:
        return self.level >= Title.ASSOCIATE_SENIOR.level


_TITLE_ORDER = list(Title)


class Licence(Coded):
    NONE = "none"
    VILLAGE_DOCTOR = "village_doctor"
    ASSISTANT_PHYSICIAN = "assistant_physician"
    PHYSICIAN = "physician"
    NURSE = "nurse"
    PHARMACIST = "pharmacist"
    TECHNICIAN = "technician"

    @property
    def is_physician(self) -> bool:
        """A practising or assistant physician (counts as a doctor)."""
        return self in (Licence.PHYSICIAN, Licence.ASSISTANT_PHYSICIAN)

    @property
    def covers_village(self) -> bool:
        """May staff a village clinic on their own."""
        return self in _PHYSICIAN_LADDER

    def satisfies(self, required: Licence) -> bool:
        """Whether holding this licence meets a post's required licence."""
        if required is Licence.NONE or required is self:
            return True
        if self in _PHYSICIAN_LADDER and required in _PHYSICIAN_LADDER:
            return _PHYSICIAN_LADDER.index(self) >= _PHYSICIAN_LADDER.index(required)
        return False


_PHYSICIAN_LADDER = [Licence.VILLAGE_DOCTOR, Licence.ASSISTANT_PHYSICIAN, Licence.PHYSICIAN]


class Discipline(Coded):
    GENERAL_PRACTICE = "general_practice"
    INTERNAL_MEDICINE = "internal_medicine"
    SURGERY = "surgery"
    PAEDIATRICS = "paediatrics"
    OBSTETRICS = "obstetrics"
    TCM = "tcm"
    PUBLIC_HEALTH = "public_health"
    NURSING = "nursing"
    PHARMACY = "pharmacy"
    MEDICAL_TECHNOLOGY = "medical_technology"
    REHABILITATION = "rehabilitation"
    MANAGEMENT = "management"


class Education(Coded):
    SECONDARY = "secondary"
    COLLEGE = "college"
    BACHELOR = "bachelor"
    MASTER = "master"
    DOCTORATE = "doctorate"

    @property
    def level(self) -> int:
        return list(Education).index(self)


class Pool(Coded):
    """Headcount pool a person is charged to."""

    COUNTY = "county"
    GRASSROOTS = "grassroots"
    OFF_ESTABLISHMENT = "off_establishment"

    @property
    def is_established(self) -> bool:
        return self is not Pool.OFF_ESTABLISHMENT


class TeamRole(Coded):
    """Role a post plays in a family-doctor team."""

    NONE = "none"
    GP = "gp"
    NURSE = "nurse"
    PUBLIC_HEALTH = "public_health"
    HEALTH_MANAGER = "health_manager"


def add_labels(coded: type[Coded], labels: dict[str, str]) -> None:
    """Register the Chinese labels of a coded type defined elsewhere (every member needs one)."""
    missing = {m.value for m in coded} - set(labels)
    if missing:
        raise ValueError(f"{coded.__name__} lacks Chinese labels for {sorted(missing)}")
    _ZH_LABELS[coded.__name__] = dict(labels)


_ZH_LABELS: dict[str, dict[str, str]] = {
    "Tier": {"county": "县级", "township": "乡镇", "village": "村级"},
    "Title": {
        "none": "无",
        "junior": "初级",
        "intermediate": "中级",
        "associate_senior": "副高级",
        "senior": "正高级",
    },
    "Licence": {
        "none": "无",
        "village_doctor": "乡村医生",
        "assistant_physician": "执业助理医师",
        "physician": "执业医师",
        "nurse": "护士",
        "pharmacist": "药师",
        "technician": "技师",
    },
    "Discipline": {
        "general_practice": "全科",
        "internal_medicine": "内科",
        "surgery": "外科",
        "paediatrics": "儿科",
        "obstetrics": "妇产科",
        "tcm": "中医",
        "public_health": "公共卫生",
        "nursing": "护理",
        "pharmacy": "药学",
        "medical_technology": "医技",
        "rehabilitation": "康复",
        "management": "管理",
    },
    "Education": {
        "secondary": "中专",
        "college": "大专",
        "bachelor": "本科",
        "master": "硕士",
        "doctorate": "博士",
    },
    "Pool": {"county": "县级编制", "grassroots": "基层编制", "off_establishment": "编外"},
    "TeamRole": {
        "none": "无",
        "gp": "全科医生",
        "nurse": "社区护士",
        "public_health": "公卫人员",
        "health_manager": "健康管理师",
    },
}
