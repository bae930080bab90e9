"""The generated uploads follow the emulator's fixture conventions: read back by its own readers."""
import datetime
import json
import struct
import zlib

from lendverify_emulator.fixtures import face_id, id_document, page_texts
from lendverify_smoke import fixtures

TODAY = datetime.date(2026, 11, 30)
APPLICANT = fixtures.Applicant()


def png_chunks(data: bytes):
    assert data.startswith(fixtures.PNG_SIGNATURE)
    offset = len(fixtures.PNG_SIGNATURE)
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        chunk_type = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        yield chunk_type, body, crc
        offset += 12 + length


def test_png_is_a_valid_png():
    chunks = list(png_chunks(fixtures.png({"k": "v"}, size=16)))
    assert [c[0] for c in chunks] == [b"IHDR", b"tEXt", b"IDAT", b"IEND"]
    assert all(zlib.crc32(t + b) == crc for t, b, crc in chunks)
    width, height, depth, colour = struct.unpack(">IIBB", chunks[0][1][:10])
    assert (width, height, depth, colour) == (16, 16, 8, 0)
    assert len(zlib.decompress(chunks[2][1])) == 16 * (16 + 1)


def test_passport_carries_face_and_id_document_for_the_emulator():
    image = fixtures.passport_png(APPLICANT, TODAY)
    assert face_id(image) == APPLICANT.face
    document = id_document(image)
    assert document["face"] == APPLICANT.face
    fields = document["fields"]
    assert (fields["FIRST_NAME"], fields["LAST_NAME"]) == ("ANA", "SILVA")
    assert fields["DATE_OF_BIRTH"] == "1990-04-12"
    assert fields["EXPIRATION_DATE"] == "2031-11-28"


def test_mrz_check_digit_matches_icao_9303_specimen():
    # ICAO 9303 part 4 TD3 specimen: L898902C3 -> 6, 740812 -> 2, 120415 -> 9.
    assert fixtures.mrz_check_digit("L898902C3") == 6
    assert fixtures.mrz_check_digit("740812") == 2
    assert fixtures.mrz_check_digit("120415") == 9


def test_td3_mrz_is_two_lines_of_44_with_valid_check_digits():
    line1, line2 = fixtures.td3_mrz(APPLICANT, datetime.date(2031, 11, 28)).split("\n")
    assert len(line1) == len(line2) == 44
    assert line1.startswith("P<UTOSILVA<<ANA<")
    check = fixtures.mrz_check_digit
    assert int(line2[9]) == check(line2[0:9])
    assert int(line2[19]) == check(line2[13:19])
    assert int(line2[27]) == check(line2[21:27])
    assert int(line2[42]) == check(line2[28:42])
    assert int(line2[43]) == check(line2[0:10] + line2[13:20] + line2[21:43])


def test_lending_pdf_pages_read_back_with_textract_field_names():
    pages = page_texts(fixtures.lending_package(APPLICANT, TODAY))
    assert len(pages) == 4
    text = ["\n".join(lines) for lines in pages]
    assert "Uniform Residential Loan Application" in text[0] and "SIGNATURE: present" in text[0]
    assert "Form W-2" in text[1]
    for expected in ("EMPLOYEE_NAME: Ana Silva", "FORM_YEAR: 2025", "WAGES: 85,000.00"):
        assert expected in text[1]
    assert "CURRENT_GROSS_PAY: 7,083.33" in text[2] and "BORROWER_NAME: Ana Silva" in text[2]
    assert "ENDING_BALANCE: 24,310.55" in text[3] and "PERIOD_END_DATE: 2026-10-31" in text[3]


def test_pdf_escapes_parentheses_and_backslashes():
    assert page_texts(fixtures.pdf([["a (b) c\\d"]])) == [["a (b) c\\d"]]


def test_applicant_request_body_matches_the_passport():
    body = APPLICANT.request_body()
    document = id_document(fixtures.passport_png(APPLICANT, TODAY))
    assert body["givenName"].upper() == document["fields"]["FIRST_NAME"]
    assert body["dateOfBirth"] == document["fields"]["DATE_OF_BIRTH"]
    json.dumps(body)
