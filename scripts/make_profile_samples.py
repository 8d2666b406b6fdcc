#!/usr/bin/env python3
"""Generate ``samples/profiles/``: one synthetic document per disclosure profile, with planted violations.

Every value is invented with :mod:`piiscan.synth` (valid check digits, real
region codes, invented people). ``samples/profiles/expected.json`` is the
answer key, derived from what is planted here (not from running piiscan):

* ``plain_scan``: per file, what ``piiscan scan`` (no profile) must find, by type;
* ``violations``: per file, the profile to judge it by and the number of
  violations per rule id that ``piiscan scan --profile`` must report;
* ``under_masked``: masked values that show too much (per file and profile);
* ``joins``: masked forms of one value in two files that join into more than
  the profile allows;
* ``k_anonymity``: a small-village table with a group of one;
* ``joined_values``: the whole values behind the joinable fragments, which
  no report, log or baseline may ever contain.

    python3 scripts/make_profile_samples.py [--out samples/profiles]
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from piiscan import synth  # noqa: E402
from piiscan.masking import mask_value  # noqa: E402

SEED = 2017
COUNTY = "江西省抚州市乐安县"
TOWNS = ["鳌溪镇", "公溪镇", "山砀镇", "龚坊镇", "戴坊镇", "牛田镇", "万崇镇", "增田镇"]
VILLAGE = "湖溪坪上下东石桥新塘岭坑田洲山头源"


class Plan:
    """What the samples plant, collected while they are written."""

    def __init__(self) -> None:
        self.plain: dict[str, dict[str, set[str]]] = {}
        self.violations: dict[str, dict] = {}
        self.under: dict[str, list[dict]] = {}
        self.joins: list[dict] = []
        self.kanon: list[dict] = []
        self.joined: list[str] = []
        self.court: dict[str, str] = {}

    def found(self, path: str, etype: str, *values: str) -> None:
        self.plain.setdefault(path, {}).setdefault(etype, set()).update(values)

    def violates(self, path: str, profile: str, rule: str, n: int = 1) -> None:
        entry = self.violations.setdefault(path, {"profile": profile, "rules": Counter()})
        entry["rules"][f"{profile}:{rule}"] += n

    def under_masked(self, path: str, profile: str, value: str, etype: str) -> None:
        self.under.setdefault(path, []).append({"profile": profile, "value": value, "masked_type": etype})

    def to_json(self) -> dict:
        return {
            "plain_scan": {p: {t: sorted(v) for t, v in sorted(types.items())} for p, types in sorted(self.plain.items())},
            "violations": {p: {"profile": v["profile"], "rules": dict(sorted(v["rules"].items())),
                               **({"at_least": v["at_least"]} if "at_least" in v else {})}
                           for p, v in sorted(self.violations.items())},
            "under_masked": dict(sorted(self.under.items())),
            "joins": self.joins,
            "k_anonymity": self.kanon,
            "joined_values": sorted(self.joined),
        }


# ------------------------------------------------------------------ helpers

def given_name(rng: random.Random) -> str:
    while True:
        name = synth.person_name(rng)
        if len(name) == 3 and name[:2] not in ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐"):
            return name[1:]


def name(rng: random.Random, surname: str | None = None) -> str:
    while True:
        n = synth.person_name(rng)
        if len(n) == 3 and not any(n.startswith(c) for c in ("欧阳", "司马", "诸葛", "上官", "东方")):
            return (surname + n[1:]) if surname else n


def village_address(rng: random.Random, county: bool = True) -> str:
    village = "".join(rng.choice(VILLAGE) for _ in range(2)) + "村"
    return (COUNTY if county else "") + f"{rng.choice(TOWNS)}{village}{rng.randrange(1, 12)}组"


def card(rng: random.Random) -> str:
    return synth.bank_card_number(rng, 19, "622848")


def keep(value: str, first: int, last: int) -> str:
    """``value`` with all but the first ``first`` and last ``last`` characters as ``*``."""
    return value[:first] + "*" * (len(value) - first - last) + (value[len(value) - last:] if last else "")


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8-sig") -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


# ------------------------------------------------------------------ documents

def student_aid(out: Path, rng: random.Random, plan: Plan) -> None:
    """A grant list with every field the Ministry's rule forbids, and one that shows only a birth date."""
    folder = out / "student-aid"
    folder.mkdir(parents=True, exist_ok=True)
    rel = "student-aid/国家助学金公示名单.csv"
    header = ["序号", "姓名", "学校", "院系", "年级", "专业", "班级", "出生日期", "身份证号码", "联系电话", "银行卡号"]
    rows = [header]
    for i in range(1, 9):
        birth = synth.resident_id_number(rng, region="361025")
        dob = f"{birth[6:10]}-{birth[10:12]}-{birth[12:14]}"
        who, phone, account = name(rng), synth.mobile_number(rng), card(rng)
        rows.append([i, who, "赣东职业技术学院", "机电工程系", "2023级", "数控技术", f"数控230{i % 3 + 1}班",
                     dob, birth, phone, account])
        plan.found(rel, "PERSON_NAME", who)
        plan.found(rel, "CN_RESIDENT_ID", birth)
        plan.found(rel, "CN_MOBILE", phone)
        plan.found(rel, "BANK_CARD", account)
        plan.found(rel, "CN_BIRTH_DATE", dob)  # a birth date under its column (issue 14)
    write_csv(folder / "国家助学金公示名单.csv", rows)
    n = len(rows) - 1
    for rule in ("column:birth-date", "CN_RESIDENT_ID", "CN_MOBILE", "BANK_CARD"):
        plan.violates(rel, "student-aid", rule, n)

    # Only a birth date gives it away: names, school and class are what the rule allows.
    import openpyxl

    rel = "student-aid/助学金名单（出生年月）.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    header = ["序号", "姓名", "学校", "年级", "班级", "出生年月"]
    ws.append(["2023年秋季学期国家助学金拟资助学生名单"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(header)
    for i in range(1, 7):
        who = name(rng)
        birth = synth.resident_id_number(rng, region="361025")
        ws.append([i, who, "乐安县第二中学", "高二", f"{i % 2 + 1}班", f"{birth[6:10]}年{birth[10:12]}月"])
        plan.found(rel, "PERSON_NAME", who)
        plan.found(rel, "CN_BIRTH_DATE", f"{birth[6:10]}年{birth[10:12]}月")
    wb.save(folder / "助学金名单（出生年月）.xlsx")
    plan.violates(rel, "student-aid", "column:birth-date", 6)


def court_judgment(out: Path, rng: random.Random, plan: Plan) -> None:
    """A civil judgment: two parties named 张, a third party, IDs, addresses, a phone and an account."""
    folder = out / "court-judgment"
    folder.mkdir(parents=True, exist_ok=True)
    rel = "court-judgment/民事判决书.txt"
    plaintiff, defendant = name(rng, "张"), name(rng, "张")
    while defendant == plaintiff:
        defendant = name(rng, "张")
    third = name(rng, "李")
    id_p, id_d = synth.resident_id_number(rng, region="361025"), synth.resident_id_number(rng, region="361025")
    addr_p, addr_d = village_address(rng), village_address(rng, county=False)
    addr_t = COUNTY + f"{rng.choice(TOWNS)}建设路{rng.randrange(2, 90)}号"
    phone, account = synth.mobile_number(rng), card(rng)
    text = f"""江西省乐安县人民法院
民事判决书

原告{plaintiff}，男，汉族，住{addr_p}，公民身份号码{id_p}，联系电话{phone}。
被告{defendant}，女，汉族，住{addr_d}，公民身份号码{id_d}。
第三人：{third}，男，汉族，住{addr_t}。

原告{plaintiff}与被告{defendant}、第三人{third}民间借贷纠纷一案，本院立案后，依法适用简易程序公开开庭进行了审理。
原告{plaintiff}向本院提出诉讼请求：判令偿还借款本金五万元及利息。事实和理由：二〇二一年三月双方订立借款合同，借款已通过银行转账支付，收款账号{account}。
{defendant}辩称，借款已部分归还。
本院认为，当事人对自己提出的诉讼请求所依据的事实，应当提供证据加以证明。
判决如下：被告{defendant}于本判决生效之日起十日内偿还原告{plaintiff}借款本金五万元。
"""
    (folder / "民事判决书.txt").write_text(text, encoding="utf-8")
    plan.found(rel, "PERSON_NAME", plaintiff, defendant, third)
    plan.found(rel, "CN_RESIDENT_ID", id_p, id_d)
    plan.found(rel, "CN_ADDRESS", addr_p, addr_d, addr_t)
    plan.found(rel, "CN_MOBILE", phone)
    plan.found(rel, "BANK_CARD", account)
    plan.violates(rel, "court-judgment", "CN_RESIDENT_ID", 2)
    plan.violates(rel, "court-judgment", "CN_ADDRESS", 3)
    plan.violates(rel, "court-judgment", "CN_MOBILE", 1)
    plan.violates(rel, "court-judgment", "BANK_CARD", 1)
    # Names: every mention the detector confirms is a violation (at least one per person).
    plan.violations[rel]["at_least"] = {"court-judgment:PERSON_NAME": 3}
    plan.court = {"path": rel, "plaintiff": plaintiff, "defendant": defendant, "third": third}


def subsidy_notice(out: Path, rng: random.Random, plan: Plan) -> None:
    """A 耕地地力保护补贴 notice: names (allowed), IDs masked 6+4 (must go), accounts, phones, addresses."""
    folder = out / "subsidy-notice"
    folder.mkdir(parents=True, exist_ok=True)
    rel = "subsidy-notice/2023年耕地地力保护补贴公示.csv"
    rows = [["序号", "户主姓名", "身份证号码", "家庭住址", "银行账号", "联系电话", "补贴面积（亩）", "补贴金额（元）"]]
    for i in range(1, 7):
        who, rid = name(rng), synth.resident_id_number(rng, region="361025")
        address, account, phone = village_address(rng), card(rng), synth.mobile_number(rng)
        area = round(rng.uniform(1.5, 12.0), 1)
        rows.append([i, who, mask_value("CN_RESIDENT_ID", rid), address, account, phone, area, f"{area * 105:.2f}"])
        plan.found(rel, "PERSON_NAME", who)
        plan.found(rel, "CN_ADDRESS", address)
        plan.found(rel, "BANK_CARD", account)
        plan.found(rel, "CN_MOBILE", phone)
        plan.under_masked(rel, "subsidy-notice", mask_value("CN_RESIDENT_ID", rid), "CN_RESIDENT_ID")
    write_csv(folder / "2023年耕地地力保护补贴公示.csv", rows)
    for rule in ("CN_RESIDENT_ID", "CN_ADDRESS", "BANK_CARD", "CN_MOBILE"):
        plan.violates(rel, "subsidy-notice", rule, 6)


def fragments(out: Path, rng: random.Random, plan: Plan) -> None:
    """Two counties' notices about the same people, masked two ways: each looks masked, together they are not."""
    folder = out / "fragments"
    folder.mkdir(parents=True, exist_ok=True)
    rel_a, rel_b = "fragments/甲县2022年补贴公示.csv", "fragments/乙县2023年补贴公示.txt"
    people = [(name(rng), synth.resident_id_number(rng, region="361025"), synth.mobile_number(rng)) for _ in range(5)]
    rows = [["序号", "姓名", "身份证号码", "联系电话", "补贴金额"]]
    for i, (who, rid, phone) in enumerate(people, 1):
        rows.append([i, who, keep(rid, 6, 4), keep(phone, 3, 4), f"{rng.randrange(5, 40) * 100}.00"])
        plan.found(rel_a, "PERSON_NAME", who)
    write_csv(folder / "甲县2022年补贴公示.csv", rows)

    p1, p2, p4 = people[0], people[1], people[3]
    stranger = name(rng)
    stranger_phone = p2[2][:3] + "".join(str(rng.randrange(10)) for _ in range(8))
    lines = [
        "乙县2023年农业补贴发放名单",
        # p1: the first 14 of the ID (its own mask shows the birth date) and the first 7 of the mobile.
        f"姓名：{p1[0]}，身份证号码：{keep(p1[1], 14, 0)}，手机：{keep(p1[2], 7, 0)}",
        # p2: 永安-style 2+3 (a subset of 6+4: nothing new) and the same 3+4 mobile mask.
        f"姓名：{p2[0]}，身份证号码：{keep(p2[1], 2, 3)}，手机：{keep(p2[2], 3, 4)}",
        # A different person whose mobile shares only its segment with p2's: no link, no join.
        f"姓名：{stranger}，手机：{keep(stranger_phone, 7, 0)}",
        # p4, no name: the birth date, sequence and check digit; shares its last 4 with the 6+4 form.
        f"另有一户，身份证号码：{'*' * 6 + p4[1][6:]}，已核验。",
    ]
    (folder / "乙县2023年补贴公示.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    plan.found(rel_b, "PERSON_NAME", p1[0], p2[0], stranger)
    plan.under_masked(rel_b, "default", keep(p1[1], 14, 0), "CN_RESIDENT_ID")
    plan.under_masked(rel_b, "default", "*" * 6 + p4[1][6:], "CN_RESIDENT_ID")
    for etype, value, linked in (("CN_RESIDENT_ID", p1[1], "name"), ("CN_MOBILE", p1[2], "name"),
                                 ("CN_RESIDENT_ID", p4[1], "digits")):
        plan.joins.append({"profile": "default", "type": etype, "files": sorted([rel_a, rel_b]),
                           "together": len(value), "length": len(value), "linked_by": linked})
        plan.joined.append(value)


def low_income(out: Path, rng: random.Random, plan: Plan) -> None:
    """A 特困 distribution table without names where one woman is alone in her group (k = 1), and a 低保 list."""
    folder = out / "low-income"
    folder.mkdir(parents=True, exist_ok=True)
    rel = "low-income/特困人员分布表.csv"
    groups = ([("1组", "男", "70-79岁", "分散供养", "650")] * 5 + [("2组", "男", "60-69岁", "分散供养", "650")] * 5
              + [("2组", "女", "70-79岁", "集中供养", "780")] * 5 + [("3组", "女", "90岁以上", "分散供养", "650")])
    order = list(range(len(groups)))
    rng.shuffle(order)
    rows = [["序号", "村民小组", "性别", "年龄段", "供养方式", "月补助金额"]]
    lone = None
    for n, i in enumerate(order, 1):
        rows.append([n, *groups[i]])
        if groups[i][0] == "3组":
            lone = n
    rows.append(["合计", "", "", "", "", str(sum(int(g[4]) for g in groups))])
    write_csv(folder / "特困人员分布表.csv", rows)
    plan.kanon.append({"profile": "low-income", "path": rel, "k": 1, "rows": [lone], "threshold": 5})

    rel = "low-income/城市低保公示.csv"
    rows = [["序号", "持证人姓名", "保障人口", "月保障金额", "所在街道", "家庭住址", "身份证号", "家庭收入"]]
    for i in range(1, 5):
        who, rid = name(rng), synth.resident_id_number(rng, region="361025")
        street = rng.choice(["鳌溪镇", "公溪镇"])
        address = f"{COUNTY}{street}{rng.choice(['建设路', '人民路', '胜利路'])}{rng.randrange(2, 200)}号"
        rows.append([i, who, rng.randrange(1, 5), f"{rng.randrange(3, 12) * 100}", street, address, rid,
                     f"{rng.randrange(2, 9) * 100}元/月"])
        plan.found(rel, "PERSON_NAME", who)
        plan.found(rel, "CN_ADDRESS", address)
        plan.found(rel, "CN_RESIDENT_ID", rid)
    write_csv(folder / "城市低保公示.csv", rows)
    for rule in ("CN_ADDRESS", "CN_RESIDENT_ID", "column:income-property"):
        plan.violates(rel, "low-income", rule, 4)


def housing(out: Path, rng: random.Random, plan: Plan) -> None:
    """A 公租房 allocation list: IDs masked 6+4 (fine), one in clear, one showing the birth date, one 2+3."""
    folder = out / "housing"
    folder.mkdir(parents=True, exist_ok=True)
    rel = "housing/公租房分配公示.csv"
    rows = [["序号", "申请人", "身份证号码", "家庭人口", "联系电话", "现住址", "保障方式"]]
    for i in range(1, 7):
        who, rid, phone = name(rng), synth.resident_id_number(rng, region="361025"), synth.mobile_number(rng)
        shown = {1: rid, 2: keep(rid, 14, 0), 3: keep(rid, 2, 3)}.get(i, keep(rid, 6, 4))
        address = COUNTY + rng.choice(TOWNS) if i == 6 else village_address(rng)
        rows.append([i, who, shown, rng.randrange(1, 5), phone, address, "实物配租"])
        plan.found(rel, "PERSON_NAME", who)
        plan.found(rel, "CN_MOBILE", phone)
        if i == 1:
            plan.found(rel, "CN_RESIDENT_ID", rid)
        if i == 2:
            plan.under_masked(rel, "housing", shown, "CN_RESIDENT_ID")
        plan.found(rel, "CN_ADDRESS", address)  # the sixth too: an address, kept to the township as allowed
    write_csv(folder / "公租房分配公示.csv", rows)
    plan.violates(rel, "housing", "CN_RESIDENT_ID", 2)  # the clear one, and the one showing the birth date
    plan.violates(rel, "housing", "CN_MOBILE", 6)
    plan.violates(rel, "housing", "CN_ADDRESS", 5)  # the sixth is kept to the township: allowed


def partial(out: Path, rng: random.Random, plan: Plan) -> None:
    """Partially masked values: four that show too much, four that are masked well."""
    folder = out / "partial"
    folder.mkdir(parents=True, exist_ok=True)
    rel = "partial/临时救助公示.txt"
    bad_id, good_id = synth.resident_id_number(rng, region="361025"), synth.resident_id_number(rng, region="361025")
    bad_card, good_card = card(rng), card(rng)
    bad_phone, good_phone = synth.mobile_number(rng), synth.mobile_number(rng)
    given, good_name = given_name(rng), name(rng)
    values = {
        "PERSON_NAME": "*" + given, "CN_RESIDENT_ID": keep(bad_id, 14, 0),
        "BANK_CARD": keep(bad_card, 8, 4), "CN_MOBILE": keep(bad_phone, 8, 0),
    }
    text = (
        "2023年第四季度临时救助对象公示\n"
        f"1. 姓名：{values['PERSON_NAME']}，身份证号：{values['CN_RESIDENT_ID']}，"
        f"卡号：{values['BANK_CARD']}，手机：{values['CN_MOBILE']}\n"
        f"2. 姓名：{mask_value('PERSON_NAME', good_name)}，身份证号：{mask_value('CN_RESIDENT_ID', good_id)}，"
        f"卡号：{mask_value('BANK_CARD', good_card)}，手机：{mask_value('CN_MOBILE', good_phone)}\n"
    )
    (folder / "临时救助公示.txt").write_text(text, encoding="utf-8")
    for etype, value in values.items():
        plan.under_masked(rel, "default", value, etype)
    plan.violates(rel, "default", "CN_RESIDENT_ID", 1)
    plan.violates(rel, "default", "BANK_CARD", 1)
    plan.violates(rel, "default", "CN_MOBILE", 1)
    plan.violates(rel, "default", "PERSON_NAME", 1)
    plan.plain.setdefault(rel, {})


README = """# Disclosure-profile samples (synthetic)

Generated by `python3 scripts/make_profile_samples.py` (seed {seed}). Every name, ID,
phone, card and address is invented by `piiscan.synth`. `expected.json` is the answer
key (kept out of scans by `.piiscanignore`): what `piiscan scan` finds without a
profile, the violations each profile must report with their rule ids, the
under-masked values, the joinable fragment pairs and the small-village k = 1 row.

| folder | profile | what is planted |
|---|---|---|
| `student-aid/` | `student-aid` | a grant list with 出生日期, 身份证号码, 联系电话 and 银行卡号 columns; an XLSX list whose only violation is a 出生年月 column |
| `court-judgment/` | `court-judgment` | a civil judgment: two parties surnamed 张 (→ 张某甲, 张某乙), a third party, IDs, addresses below the county, a phone, an account |
| `subsidy-notice/` | `subsidy-notice` | names (allowed), IDs masked 6+4 (the rule deletes them: under-masked), accounts, phones, village addresses |
| `fragments/` | `default` | two counties' notices about the same people: 6+4 and 3+4 in one, first 14 / first 7 in the other (joined: whole ID, whole mobile), a 2+3 ID (no gain), a stranger sharing a segment (no link), a nameless ID linked by its last digits |
| `low-income/` | `low-income` | a 特困 distribution table without names where one row is alone in its group (k = 1); a 低保 list with addresses, IDs and income |
| `housing/` | `housing` | a 公租房 list: 6+4 IDs (fine), one clear, one showing the birth date, one 2+3; phones; addresses |
| `partial/` | `default` | a name masked to its given name, an ID showing its birth date, a card showing 8 + 4, a phone showing 8 digits; and four well-masked values that must not be reported |
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "samples" / "profiles")
    args = ap.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    plan = Plan()
    for make in (student_aid, court_judgment, subsidy_notice, fragments, low_income, housing, partial):
        make(out, rng, plan)
    for rel in ("README.md", "low-income/特困人员分布表.csv"):
        plan.plain.setdefault(rel, {})  # nothing personal: the plain scan must find nothing
    expected = plan.to_json()
    expected["court_names"] = plan.court
    (out / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (out / ".piiscanignore").write_text("# the answer key, not a sample\nexpected.json\n", encoding="utf-8")
    (out / "README.md").write_text(README.format(seed=SEED), encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
