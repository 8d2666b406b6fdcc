import pytest

import piiscan


def emails(text):
    return [f.value for f in piiscan.scan_text(text, types=["EMAIL_ADDRESS"])]


@pytest.mark.parametrize("addr", ["zhangsan@example.com", "li.si+news@mail.example.org", "wang_wu2020@example.com.cn", "A1@b-c.io"])
def test_addresses_found(addr):
    assert emails(f"邮箱：{addr}") == [addr]


def test_does_not_swallow_chinese():
    assert emails("联系邮箱nongji@example.com谢谢") == ["nongji@example.com"]
    assert emails("邮箱为“abc@example.cn”。") == ["abc@example.cn"]


@pytest.mark.parametrize("text", ["user@localhost", "@example.com", "a..b@example.com", "version 1.2@3"])
def test_not_addresses(text):
    assert emails(text) == []


def test_phone_inside_email_reported_once():
    found = piiscan.scan_text("邮箱 13800138000@example.com")
    assert [(f.type, f.value) for f in found] == [("EMAIL_ADDRESS", "13800138000@example.com")]
