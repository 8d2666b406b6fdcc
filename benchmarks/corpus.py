"""A seeded, labelled corpus for measuring piiscan's accuracy.

Every document is synthetic free text in the register of Chinese government
notices and news (补贴公示, 举报受理, 快递, 会议通知 …). Personal information
is embedded with its exact span recorded; around it sit hard negatives that a
scanner must *not* report:

* organisations and places built from real region names
  (浙江省杭州市余杭区人民检察院, 平凉市邮政管理局, 在江西省乐安县召开, 鳌溪镇人民政府);
* amounts, dates, counts, order / waybill / invoice numbers (some of them
  shaped exactly like an ID or a mobile number);
* already-anonymised names (李某, 王某甲, 张某某) and surname-only forms (王先生);
* everyday words starting with a surname character (王国, 高速, 周边, 张贴, 黄金).

Values come from :mod:`piiscan.synth` (valid check digits, allocated mobile
segments, real county codes) and from this module's own name and address
generators, which draw on wider pools than the detectors were tuned on.

>>> docs = generate(5, seed=1)
>>> all(d.text[s.start:s.end] == s.value for d in docs for s in d.spans)
True
>>> generate(3, seed=9)[2].text == generate(3, seed=9)[2].text
True
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from piiscan import patterns, regions, synth
from piiscan.finding import (
    BANK_CARD, CN_ADDRESS, CN_LANDLINE, CN_MOBILE, CN_RESIDENT_ID, EMAIL_ADDRESS, PERSON_NAME,
)


@dataclass(frozen=True)
class Span:
    type: str
    start: int
    end: int
    value: str


@dataclass
class Document:
    text: str = ""
    spans: list[Span] = field(default_factory=list)

    def add(self, text: str) -> "Document":
        self.text += text
        return self

    def pii(self, etype: str, value: str) -> "Document":
        start = len(self.text)
        self.text += value
        self.spans.append(Span(etype, start, start + len(value), value))
        return self


# -- value generators --------------------------------------------------------

# Given-name characters, typed independently of the detectors' data.
_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国玉志文辉海燕红梅春德福金凤龙永晓东庆淑珍"
    "家豪子涵雨轩梓萱浩然欣怡思远婷雪琳晨阳宇鑫佳俊斌亮鹏飞宏波坤秋菊莲香秀英荣华翠花凯瑞彬琪琦"
    "岚峰晶蕾蓉薇巧婉慧颖嘉睿博航铭泽宸瑶璐露冰清松柏梁栋才贵发旺根喜顺利成兵胜祥瑞林森"
)
_COMMON_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
_PLACE = "湖溪坪上下东西南北大小石桥新塘岭坑田洲山头口源河湾林华龙凤安宁丰兴隆福寿长清白黄青金水云泉峰阳高马杨柳竹梅桃李沙港"
_ROAD_NAMES = ["人民", "解放", "中山", "建设", "胜利", "文化", "和平", "朝阳", "新华", "长江", "滨江", "迎宾", "东风", "光明", "青年", "学府", "工业", "站前", "府前", "环城"]
_ESTATES = ["阳光花园", "幸福家园", "金桂小区", "锦绣苑", "翠湖小区", "滨江花园", "书香名苑", "丽景华庭", "和谐家园", "金色家园", "怡景公寓", "世纪大厦"]
_NUMERALS = "一二三四五六七八九十"


def person_name(rng: random.Random) -> str:
    surnames = [s for s in patterns.lines("surnames.txt")]
    compound = [s for s in surnames if len(s) == 2]
    r = rng.random()
    if r < 0.05:
        surname = rng.choice(compound)
    elif r < 0.2:
        surname = rng.choice([s for s in surnames if len(s) == 1])
    else:
        surname = rng.choice(_COMMON_SURNAMES)
    return surname + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))


def _place(rng: random.Random, n: int = 2) -> str:
    return "".join(rng.choice(_PLACE) for _ in range(n))


def _name(code: str) -> str:
    # regions.name_of can return a packed history ("湖北省恩施地区,[1983-1992]…");
    # the current name is the last piece.
    return re.split(r",?\[\d*-\d*\]|,", regions.name_of(code) or "")[-1]


def _admin(rng: random.Random) -> tuple[str, str, str, str]:
    """(province, prefecture, county, short province) for a current county."""
    code = rng.choice(synth._current_county_codes())
    province = _name(code[:2] + "0000")
    city = _name(code[:4] + "00")
    if city in ("市辖区", "县", "林区") or "直辖" in city or province.endswith("市"):
        city = ""
    county = _name(code)
    short = province.rstrip("省") if province.endswith("省") else province
    return province, city, county, short


def address(rng: random.Random, *, admin: bool = True) -> str:
    """A home address; with ``admin=False`` it starts at the township."""
    province, city, county, short = _admin(rng)
    style = rng.random()
    group = f"{rng.randrange(1, 13)}组" if rng.random() < 0.7 else f"{rng.choice(_NUMERALS)}组"
    rural = [
        _place(rng) + rng.choice(["镇", "镇", "乡"]),
        _place(rng) + rng.choice(["村", "村", "村委会"]),
        group if rng.random() < 0.7 else _place(rng) + "组",
    ]
    if rng.random() < 0.4:
        rural.append(f"{rng.randrange(1, 99)}号")
    urban = [rng.choice(_ROAD_NAMES) + rng.choice(["路", "路", "大道", "街"]) + f"{rng.randrange(1, 400)}号"]
    if rng.random() < 0.8:
        urban.append(rng.choice(_ESTATES))
    urban.append(f"{rng.randrange(1, 30)}栋" if rng.random() < 0.5 else f"{rng.randrange(1, 30)}幢")
    if rng.random() < 0.7:
        urban.append(f"{rng.randrange(1, 6)}单元")
    urban.append(f"{rng.randrange(1, 33)}0{rng.randrange(1, 5)}室")
    if rng.random() < 0.2:
        urban = [_place(rng) + "街道", _place(rng) + "社区"] + urban
    tail = rural if style < 0.55 else urban
    if not admin:
        return "".join(tail)
    head_style = rng.random()
    if head_style < 0.45:
        head = [province, city, county]
    elif head_style < 0.6:
        head = [short, city.rstrip("市") if city.endswith("市") else city, county]
    elif head_style < 0.85:
        head = [county]
    else:
        head = [city or province, county]
    return "".join(head) + "".join(tail)


def _id(rng: random.Random) -> str:
    value = synth.resident_id_number(rng)
    r = rng.random()
    if r < 0.1:
        return f"{value[:6]} {value[6:14]} {value[14:]}"
    return value


def _mobile(rng: random.Random) -> str:
    value = synth.mobile_number(rng)
    r = rng.random()
    if r < 0.1:
        return f"{value[:3]}-{value[3:7]}-{value[7:]}"
    if r < 0.15:
        return "+86 " + value
    return value


def _card(rng: random.Random) -> str:
    value = synth.bank_card_number(rng, length=rng.choice((16, 19, 19)), prefix=rng.choice(["622848", "621799", "623058", "622202"]))
    if rng.random() < 0.15:
        return " ".join(value[i:i + 4] for i in range(0, len(value), 4))
    return value


# -- filler and hard negatives -----------------------------------------------

_FILLER = [
    "根据《中华人民共和国政府信息公开条例》和上级有关文件要求，现将有关情况公示如下。",
    "公示期间，如有异议，请以书面形式向县农业农村局反映。",
    "为进一步做好农机购置补贴工作，切实保障农户合法权益，特制定本方案。",
    "各乡镇要高度重视，加强组织领导，确保各项工作落到实处。",
    "会议强调，要坚持以人民为中心的发展思想，周边群众反映的问题要及时解决。",
    "本次共有{n}户农户申请补贴，补贴资金共计{amount}万元，已于{date}全部发放到位。",
    "检察机关依法履行公益诉讼职责，督促行政机关加强个人信息保护。",
    "据了解，该高速公路全长{n}公里，预计{year}年底建成通车。",
    "工作人员在村部张贴公告，并通过广播向村民宣传政策。",
    "黄金周期间，景区共接待游客{n}万人次，同比增长{pct}%。",
    "考古队在古王国遗址周边发现大量文物，相关成果于{date}对外公布。",
    "经调查核实，被告李某、王某甲、张某某等{n}人非法获取公民个人信息{n2}条。",
    "张某某（男，{age}岁）因涉嫌侵犯公民个人信息罪被依法提起公诉。",
    "记者从市政府新闻发布会上获悉，全市{n}个行政村已实现宽带全覆盖。",
    "订单号：{order}，快递单号：SF{waybill}，发票号码：{invoice}，请妥善保管。",
    "请王先生、李女士于工作日到窗口办理相关手续。",
    "{org}于{date}召开专题会议，研究部署个人信息保护工作。",
    "会议在{place}召开，{org}负责同志出席。",
    "该案由{org}立案侦查，{org2}提起公诉。",
    "项目总投资{amount}万元，其中中央财政补助资金{amount2}万元。",
    "截至{date}，累计受理群众来信来访{n}件次，办结率{pct}%。",
    "农户凭身份证和惠农卡到乡镇财政所领取补贴，不收取任何费用。",
    "工作组深入{town}开展走访调研，听取基层意见建议。",
    "发证机关：{county}公安局，有效期至{year}年{month}月{day}日。",
    "咨询电话：12345，服务时间为每日8:30至17:30。",
]


def _org(rng: random.Random) -> str:
    province, city, county, _ = _admin(rng)
    return rng.choice([
        f"{province}{city}{county}人民检察院",
        f"{city or province}邮政管理局",
        f"{county}农业农村局",
        f"{county}人民政府",
        f"{county}{_place(rng)}镇人民政府",
        f"{county}{_place(rng)}村村民委员会",
        f"{city or province}中级人民法院",
        f"{county}公安局{_place(rng)}派出所",
        f"{county}市场监督管理局",
        "浙江省杭州市余杭区人民检察院",
        "平凉市邮政管理局",
    ])


def _place_mention(rng: random.Random) -> str:
    province, city, county, _ = _admin(rng)
    return rng.choice([f"{province}{county}", f"江西省乐安县", f"{city or province}", f"{county}{_place(rng)}镇"])


def _date(rng: random.Random) -> str:
    return f"{rng.randrange(2015, 2026)}年{rng.randrange(1, 13)}月{rng.randrange(1, 29)}日"


def _filler(rng: random.Random) -> str:
    template = rng.choice(_FILLER)
    province, city, county, _ = _admin(rng)
    # Realistic order numbers: date-prefixed, or a phone number plus a suffix.
    if rng.random() < 0.5:
        order = f"{rng.randrange(2019, 2026)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}{rng.randrange(10**9, 10**10)}"
    else:
        order = synth.mobile_number(rng) + str(rng.randrange(1000, 9999))
    return template.format(
        n=rng.randrange(2, 900), n2=rng.randrange(1000, 90000), amount=f"{rng.randrange(10, 9000)}.{rng.randrange(10, 99)}",
        amount2=rng.randrange(10, 900), date=_date(rng), year=rng.randrange(2020, 2030), pct=rng.randrange(1, 99),
        age=rng.randrange(20, 70), order=order, waybill=rng.randrange(10**11, 10**12), invoice=rng.randrange(10**7, 10**8),
        org=_org(rng), org2=_org(rng), place=_place_mention(rng), town=f"{county}{_place(rng)}镇",
        county=county, month=rng.randrange(1, 13), day=rng.randrange(1, 29),
    )


# -- document templates ------------------------------------------------------

def _subsidy_rows(rng: random.Random, doc: Document) -> None:
    doc.add(f"{_date(rng)}农机购置补贴受益农户信息公示\n")
    for i in range(1, rng.randrange(2, 6)):
        doc.add(f"{i} ").pii(PERSON_NAME, person_name(rng)).add(" ")
        doc.pii(CN_ADDRESS, address(rng)).add(" ").pii(CN_RESIDENT_ID, _id(rng)).add(" ")
        doc.add(rng.choice(["旋耕机", "插秧机", "收割机", "拖拉机"])).add(f" {rng.randrange(1, 40)}000元 ")
        doc.pii(CN_MOBILE, _mobile(rng)).add("\n")


def _labelled_record(rng: random.Random, doc: Document) -> None:
    doc.add(rng.choice(["户主姓名：", "申请人：", "购机户：", "农户姓名 ", "联系人："])).pii(PERSON_NAME, person_name(rng))
    doc.add(rng.choice(["，身份证号码：", "，公民身份号码", " 身份证号 "])).pii(CN_RESIDENT_ID, _id(rng))
    doc.add(rng.choice(["，家庭住址：", "，住址：", "，户籍地："]))
    doc.pii(CN_ADDRESS, address(rng, admin=rng.random() < 0.6))
    doc.add(rng.choice(["，惠农卡号：", "，银行卡号", "，开户银行：农商行，账号："])).pii(BANK_CARD, _card(rng))
    doc.add(rng.choice(["，联系电话：", "，手机", "，电话 "])).pii(CN_MOBILE, _mobile(rng)).add("。")


def _complaint(rng: random.Random, doc: Document) -> None:
    doc.add(f"{_date(rng)}，举报人").pii(PERSON_NAME, person_name(rng)).add("（联系电话：").pii(CN_MOBILE, _mobile(rng))
    doc.add("）向本局反映，其家住").pii(CN_ADDRESS, address(rng, admin=rng.random() < 0.5))
    doc.add(f"，近期多次接到推销电话，怀疑个人信息被泄露。经查，{_org(rng)}已介入调查。")


def _express(rng: random.Random, doc: Document) -> None:
    doc.add("收件人：").pii(PERSON_NAME, person_name(rng)).add(" 电话：").pii(CN_MOBILE, _mobile(rng))
    doc.add(" 收货地址：").pii(CN_ADDRESS, address(rng)).add(f" 订单号：{rng.randrange(10**17, 10**18)}")
    doc.add(f" 运单号：YT{rng.randrange(10**12, 10**13)}\n")


def _notice(rng: random.Random, doc: Document) -> None:
    doc.add("请").pii(PERSON_NAME, person_name(rng)).add(rng.choice(["同志", "先生", "女士"]))
    doc.add(f"于{_date(rng)}前携带本人身份证到{_org(rng)}办理相关手续。")


def _contact(rng: random.Random, doc: Document) -> None:
    doc.add("联系人：").pii(PERSON_NAME, person_name(rng)).add("，办公电话：").pii(CN_LANDLINE, synth.landline_number(rng))
    doc.add("，电子邮箱：").pii(EMAIL_ADDRESS, synth.email_address(rng)).add("。")


def _list(rng: random.Random, doc: Document) -> None:
    doc.add(rng.choice(["经审核，购机户", "经村民代表大会评议，农户", "以下人员："]))
    for i in range(rng.randrange(2, 5)):
        if i:
            doc.add("、")
        doc.pii(PERSON_NAME, person_name(rng))
    doc.add(rng.choice(["等符合补贴条件，现予以公示。", "已按规定领取补贴资金。"]))


def _bio(rng: random.Random, doc: Document) -> None:
    doc.pii(PERSON_NAME, person_name(rng)).add(f"，{rng.choice('男女')}，{rng.randrange(1950, 2000)}年出生，汉族，住")
    doc.pii(CN_ADDRESS, address(rng)).add("，公民身份号码").pii(CN_RESIDENT_ID, _id(rng)).add("。")


def _account(rng: random.Random, doc: Document) -> None:
    doc.add("户名：").pii(PERSON_NAME, person_name(rng)).add("，开户行：县农村信用社，账号：")
    doc.pii(BANK_CARD, synth.bank_account_number(rng, length=rng.choice((15, 17, 18, 20)))).add("。")


_TEMPLATES = [_subsidy_rows, _labelled_record, _complaint, _express, _notice, _contact, _list, _bio, _account]


def generate(n_docs: int = 300, seed: int = 20240919) -> list[Document]:
    """``n_docs`` documents, the same for the same ``seed``."""
    rng = random.Random(seed)
    docs = []
    for _ in range(n_docs):
        doc = Document()
        for _ in range(rng.randrange(1, 4)):
            doc.add(_filler(rng))
        for _ in range(rng.randrange(1, 4)):
            rng.choice(_TEMPLATES)(rng, doc)
            doc.add(_filler(rng))
        docs.append(doc)
    return docs
