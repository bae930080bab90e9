"""Writes the browser tests' upload fixtures into the directory given as argv[1], with the
emulator's own fixture helpers (emulator/README.md, "Fixture conventions")."""
import json
import pathlib
import sys

from lendverify_emulator.fixtures import make_pdf, make_png, sample_lending_pages


def char_value(c: str) -> int:
    if c.isdigit():
        return int(c)
    if c.isalpha():
        return ord(c.upper()) - ord("A") + 10
    return 0


def check_digit(s: str) -> int:
    weights = [7, 3, 1]
    return sum(char_value(c) * weights[i % 3] for i, c in enumerate(s)) % 10


def pad(s: str, length: int) -> str:
    s = s.upper().replace(" ", "<").replace("-", "<")
    return (s + "<" * length)[:length]


def td3_mrz(given: str, family: str, dob: str, expiry: str, number: str) -> str:
    """An ICAO 9303 TD3 MRZ consistent with the printed fields (dates YYYY-MM-DD)."""
    line1 = "P<UTO" + pad(f"{family}<<{given}", 39)
    num = pad(number, 9)
    d = dob.replace("-", "")[2:]
    e = expiry.replace("-", "")[2:]
    personal = pad("", 14)
    n, dd, ee, o = check_digit(num), check_digit(d), check_digit(e), check_digit(personal)
    composite = check_digit(f"{num}{n}{d}{dd}{e}{ee}{personal}{o}")
    return f"{line1}\n{num}{n}UTO{d}{dd}F{e}{ee}{personal}{o}{composite}"


def passport(face: str) -> bytes:
    given, family, dob, expiry, number = "Ana", "Muller", "1990-04-12", "2034-01-31", "X1234567"
    return make_png(
        face=face,
        id_document={
            "face": face,
            "fields": {
                "FIRST_NAME": given.upper(),
                "LAST_NAME": family.upper(),
                "DATE_OF_BIRTH": dob,
                "EXPIRATION_DATE": expiry,
                "DOCUMENT_NUMBER": number,
                "ID_TYPE": "PASSPORT",
                "MRZ_CODE": td3_mrz(given, family, dob, expiry, number),
            },
        },
        size=64,
    )


def main() -> None:
    out = pathlib.Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    (out / "passport-alice.png").write_bytes(passport("alice"))
    (out / "passport-bob.png").write_bytes(passport("bob"))
    # alice at similarity 97: inside the review band below the match threshold -> NEEDS_REVIEW.
    (out / "passport-alice-borderline.png").write_bytes(passport("alice~97.0"))
    (out / "mortgage-package.pdf").write_bytes(make_pdf(sample_lending_pages()))
    (out / "notes.txt").write_text("not an identity document\n")
    print(json.dumps(sorted(p.name for p in out.iterdir())))


if __name__ == "__main__":
    main()
