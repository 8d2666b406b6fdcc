"""Splitting a Chinese name into surname and given name (compound surnames matter: 欧阳娜娜 → 欧阳 + 娜娜)."""
from __future__ import annotations

# The compound surnames in 百家姓 plus a few common modern ones. A name
# engineer may ship a bigger list in patterns/; this one is enough to mask.
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 令狐 夏侯 长孙 宇文 司徒 端木 澹台 公冶 宗政 濮阳 淳于 "
    "单于 太叔 申屠 轩辕 钟离 闻人 万俟 赫连 呼延 南宫 独孤 西门 百里 东郭 拓跋 司空 第五 亓官 司寇 "
    "子车 颛孙 壤驷 公良 漆雕 乐正 宰父 谷梁 段干 左丘 梁丘 东门 羊舌 微生 公羊 梁丘 呼延 鲜于 闾丘".split()
)


def split_name(name: str) -> tuple[str, str]:
    """(surname, given name).

    >>> split_name('欧阳娜娜'), split_name('张三'), split_name('买买提·艾力')
    (('欧阳', '娜娜'), ('张', '三'), ('买买提·', '艾力'))
    """
    for dot in ("·", "•"):
        if dot in name:
            head, tail = name.split(dot, 1)
            return head + dot, tail
    if len(name) > 2 and name[:2] in COMPOUND_SURNAMES:
        return name[:2], name[2:]
    return name[:1], name[1:]
