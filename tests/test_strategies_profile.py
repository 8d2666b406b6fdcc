"""The strategies disclosure rules need: delete, drop-column, court-name, township — and the writers that apply them."""
from __future__ import annotations

import csv
import io
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from piiscan import synth
from piiscan.files import scan_file_result
from piiscan.redact import Redactor, redact_dataframe, redact_file, redact_text
from piiscan.redact.strategies import Context, court_name, get
from piiscan.redact.strategies.township import address_level, township_prefix
from piiscan.scanner import Scanner

HEADER = ["序号", "姓名", "身份证号码", "联系电话", "补贴金额"]


def rows(n: int, seed: int = 3) -> list[list[str]]:
    rng = random.Random(seed)
    return [[str(i + 1), synth.person_name(rng), synth.resident_id_number(rng), synth.mobile_number(rng),
             f"{100 * (i + 1)}.00"] for i in range(n)]


def read_csv(path: Path, encoding: str = "utf-8-sig") -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode(encoding), newline="")))


# --- registration ---------------------------------------------------------------

@pytest.mark.parametrize("name", ["delete", "drop-column", "court-name", "township"])
def test_registered_under_their_names(name):
    mod = get(name)
    assert mod.NAME == name
    assert mod.NEEDS_KEY is False


def test_delete_removes_the_value_in_text():
    rid = synth.resident_id_number(random.Random(1))
    out = redact_text(f"身份证号：{rid}，手机13800138000", strategy={"CN_RESIDENT_ID": "delete"})
    assert out == "身份证号：，手机138****8000"


# --- tables: delete empties the cell, drop-column removes the column ------------------

def test_delete_empties_the_whole_cell_in_a_csv(tmp_path):
    data = rows(3)
    data[1][2] += "（本人）"  # a cell holding more than the value: the whole cell goes
    src = tmp_path / "a.csv"
    src.write_text("\r\n".join(",".join(r) for r in [HEADER] + data) + "\r\n", encoding="utf-8")
    dst = tmp_path / "out" / "a.csv"
    redact_file(src, dst, strategy={"CN_RESIDENT_ID": "delete"}, types=["CN_RESIDENT_ID"])
    got = read_csv(dst, "utf-8")
    assert [r[2] for r in got] == ["身份证号码", "", "", ""]
    assert [r[1] for r in got[1:]] == [r[1] for r in data]  # names untouched: not in types


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_drop_column_removes_the_column_from_a_csv_and_keeps_every_other_byte(tmp_path, encoding):
    data = rows(4)
    title = "乐安县2023年补贴公示\r\n"
    lines = [",".join(HEADER)] + [",".join([r[0], f'"{r[1]}"', r[2], r[3], r[4]]) for r in data]
    src = tmp_path / "a.csv"
    src.write_bytes((title + "\r\n".join(lines) + "\r\n").encode(encoding))
    dst = tmp_path / "out" / "a.csv"
    redact_file(src, dst, strategy={"CN_RESIDENT_ID": "drop-column", "CN_MOBILE": "drop-column"},
                types=["CN_RESIDENT_ID", "CN_MOBILE"])
    expected = title + "\r\n".join(
        [",".join(["序号", "姓名", "补贴金额"])] + [",".join([r[0], f'"{r[1]}"', r[4]]) for r in data]) + "\r\n"
    assert dst.read_bytes() == expected.encode(encoding)


def test_drop_column_last_column_and_quoted_fields(tmp_path):
    data = rows(2)
    header = ["序号", "姓名", "补贴金额", "身份证号码"]
    text = "\n".join([",".join(header)] + [f'{r[0]},"{r[1]}","1,000.00","{r[2]}"' for r in data]) + "\n"
    src = tmp_path / "a.csv"
    src.write_text(text, encoding="utf-8")
    dst = tmp_path / "b.csv"
    redact_file(src, dst, strategy={"CN_RESIDENT_ID": "drop-column"}, types=["CN_RESIDENT_ID"])
    assert read_csv(dst, "utf-8") == [header[:3]] + [[r[0], r[1], "1,000.00"] for r in data]


def test_drop_column_in_xlsx_shrinks_the_merged_title(tmp_path):
    import openpyxl

    data = rows(3)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["补贴公示"])
    ws.merge_cells("A1:E1")
    ws.append(HEADER)
    for r in data:
        ws.append(r)
    src, dst = tmp_path / "a.xlsx", tmp_path / "out" / "a.xlsx"
    wb.save(src)
    redact_file(src, dst, strategy={"CN_RESIDENT_ID": "drop-column"}, types=["CN_RESIDENT_ID"])
    ws = openpyxl.load_workbook(dst).active
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:D1"]
    got = [[c.value for c in row] for row in ws.iter_rows()]
    assert got[1] == ["序号", "姓名", "联系电话", "补贴金额"]
    assert [row[1] for row in got[2:]] == [r[1] for r in data]
    assert all(len(row) == 4 for row in got)
    assert scan_file_result(dst, Scanner(types=["CN_RESIDENT_ID"])).findings == []


def test_drop_column_in_a_dataframe():
    pd = pytest.importorskip("pandas")
    data = rows(3)
    df = pd.DataFrame(data, columns=HEADER)
    out = redact_dataframe(df, strategy={"CN_RESIDENT_ID": "drop-column"}, types=["CN_RESIDENT_ID"])
    assert list(out.columns) == ["序号", "姓名", "联系电话", "补贴金额"]
    assert list(out["姓名"]) == [r[1] for r in data]


def test_drop_column_where_a_writer_cannot_remove_columns_empties_them_and_says_so(tmp_path):
    import docx

    data = rows(2)
    d = docx.Document()
    t = d.add_table(rows=0, cols=len(HEADER))
    for r in [HEADER] + data:
        cells = t.add_row().cells
        for c, v in zip(cells, r):
            c.text = v
    src, dst = tmp_path / "a.docx", tmp_path / "b.docx"
    d.save(src)
    redact_file(src, dst, strategy={"CN_RESIDENT_ID": "drop-column"}, types=["CN_RESIDENT_ID"])
    out = docx.Document(dst).tables[0]
    assert [c.text for c in out.rows[0].cells] == HEADER  # the column stays, its values are gone
    assert [row.cells[2].text for row in out.rows[1:]] == ["", ""]

    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("s")
    for i, r in enumerate([HEADER] + data):
        for j, v in enumerate(r):
            sheet.write(i, j, v)
    src, dst = tmp_path / "a.xls", tmp_path / "b.xls"
    book.save(str(src))
    report = redact_file(src, dst, strategy={"CN_RESIDENT_ID": "drop-column"}, types=["CN_RESIDENT_ID"])
    assert any("emptied, not removed" in n and "身份证号码" in n for n in report.notes)
    assert scan_file_result(dst, Scanner(types=["CN_RESIDENT_ID"])).findings == []


# --- court-name ----------------------------------------------------------------

def test_court_names_in_a_text_file_the_same_person_keeps_one_form(tmp_path):
    from piiscan.profiles import prepare_document

    src = tmp_path / "j.txt"
    src.write_text("原告张小明，男。被告张大伟，男。证人王五同志到庭。原告张小明与被告张大伟系同村村民。\n", encoding="utf-8")
    r = Redactor({"PERSON_NAME": "court-name"}, types=["PERSON_NAME"])
    prepare_document(r, src)
    dst = tmp_path / "out.txt"
    redact_file(src, dst, redactor=r)
    assert dst.read_text(encoding="utf-8") == ("原告张某甲，男。被告张某乙，男。证人王某同志到庭。"
                                               "原告张某甲与被告张某乙系同村村民。\n")
    # A second document with one 张 only: plain 张某 (the first document's numbering is gone).
    src2 = tmp_path / "k.txt"
    src2.write_text("原告张大伟，男，诉至本院。\n", encoding="utf-8")
    prepare_document(r, src2)
    redact_file(src2, tmp_path / "out2.txt", redactor=r)
    assert (tmp_path / "out2.txt").read_text(encoding="utf-8") == "原告张某，男，诉至本院。\n"


def test_a_profile_replaces_a_name_wherever_it_recurs_in_the_document(tmp_path):
    """The detector needs context (原告…); a judgment then writes 张小明诉称 without any. Under a
    profile, a name found once in a document is replaced everywhere in it."""
    from piiscan.profiles import ProfileRedactor, load_profile, prepare_document

    src = tmp_path / "j.txt"
    src.write_text("原告张小明，男。被告张大伟，男。张小明诉称，张大伟欠款未还。\n", encoding="utf-8")
    assert "张小明诉称" in src.read_text(encoding="utf-8")
    r = ProfileRedactor(load_profile("court-judgment"))
    prepare_document(r, src)
    redact_file(src, tmp_path / "out.txt", redactor=r)
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "原告张某甲，男。被告张某乙，男。张某甲诉称，张某乙欠款未还。\n"


_NAME = st.builds(lambda s, g: s + g, st.sampled_from(list("张王李赵刘陈") + ["欧阳", "司马"]),
                  st.text(alphabet="伟芳娜秀英敏静丽强磊军洋勇艳杰", min_size=1, max_size=2))


@settings(max_examples=200, deadline=None)
@given(st.lists(_NAME, min_size=1, max_size=12), st.booleans())
def test_court_forms_keep_people_apart_and_keep_the_surname(names, prepared):
    ctx = Context()
    if prepared:
        court_name.begin_document(names, ctx)
    forms = {n: court_name.replace("PERSON_NAME", n, ctx) for n in names}
    # One person, one form (asked again: the same answer).
    assert all(court_name.replace("PERSON_NAME", n, ctx) == f for n, f in forms.items())
    # Different people, different forms.
    assert len(set(forms.values())) == len(forms)
    for n, f in forms.items():
        surname = n[:2] if n[:2] in ("欧阳", "司马") else n[:1]
        assert f.startswith(surname + "某")
        assert not set(f) & (set(n) - set(surname))  # nothing of the given name is left
    # And the detector treats every form as already anonymised.
    assert Scanner(types=["PERSON_NAME"]).scan("、".join(forms.values()), label="姓名") == []


def test_court_names_minority_names_keep_their_first_character():
    ctx = Context()
    court_name.begin_document(["买买提·艾力", "买合木提·吐尔逊", "古丽·阿不都"], ctx)
    assert [court_name.replace("PERSON_NAME", n, ctx) for n in ("买买提·艾力", "买合木提·吐尔逊", "古丽·阿不都")] == \
        ["买某甲", "买某乙", "古某"]


# --- township ------------------------------------------------------------------

@pytest.mark.parametrize("address,expected,level", [
    ("江西省抚州市乐安县鳌溪镇湖坪村3组", "江西省抚州市乐安县鳌溪镇", "below"),
    ("乐安县公溪镇", "乐安县公溪镇", "township"),
    ("北京市朝阳区建外街道建国路88号", "北京市朝阳区建外街道", "below"),
    ("江西省抚州市乐安县", "", "county"),
    ("湖坪村3组", "", "below"),
])
def test_township_prefix_and_level(address, expected, level):
    assert township_prefix(address) == expected
    assert address_level(address) == level


def test_township_output_is_exempt_from_the_re_scan_but_finer_addresses_are_not():
    out = redact_text("住址：江西省抚州市乐安县鳌溪镇湖坪村3组", strategy={"CN_ADDRESS": "township"},
                      types=["CN_ADDRESS"])
    assert out == "住址：江西省抚州市乐安县鳌溪镇"
