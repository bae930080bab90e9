import base64
import datetime

from lendverify_smoke import srp

# Inputs and the signature pycognito 2024.5.1 (AWSSRP.process_challenge, the client proven against
# real Cognito) computes for them, with small a = 0x1f1f...1f (128 bytes) mod N.
POOL_ID = "us-east-1_AbCdEf123"
SMALL_A = int("1f" * 128, 16) % srp.N
CHALLENGE = {
    "USER_ID_FOR_SRP": "5a0b5c3e-0000-4000-8000-000000000001",
    "USERNAME": "5a0b5c3e-0000-4000-8000-000000000001",
    "SALT": "9c0e1a2b3c4d5e6f",
    "SRP_B": format(pow(2, 123456789, srp.N), "x"),
    "SECRET_BLOCK": "c2VjcmV0LWJsb2Nr",
}
NOW = datetime.datetime(2026, 3, 5, 7, 8, 9, tzinfo=datetime.timezone.utc)
PYCOGNITO_SIGNATURE = "aq8BnK7EjvyiQkqXMUbW7VvS3uJ6vOSQcEf5aTTSqA8="
PYCOGNITO_SRP_A_PREFIX = "3714ef8f70efe61f13883ff4e72a78800cd35f06"


def test_signature_matches_the_reference_client():
    sign_in = srp.SrpSignIn(POOL_ID, small_a=SMALL_A)
    responses = sign_in.password_verifier_responses(CHALLENGE, "smoke@example.com", "Correct-Horse-9!", NOW)
    assert sign_in.srp_a.startswith(PYCOGNITO_SRP_A_PREFIX)
    assert responses == {
        "TIMESTAMP": "Thu Mar 5 07:08:09 UTC 2026",
        "USERNAME": CHALLENGE["USERNAME"],
        "PASSWORD_CLAIM_SECRET_BLOCK": CHALLENGE["SECRET_BLOCK"],
        "PASSWORD_CLAIM_SIGNATURE": PYCOGNITO_SIGNATURE,
    }


def test_a_wrong_password_gives_another_signature():
    sign_in = srp.SrpSignIn(POOL_ID, small_a=SMALL_A)
    responses = sign_in.password_verifier_responses(CHALLENGE, "smoke@example.com", "wrong", NOW)
    assert responses["PASSWORD_CLAIM_SIGNATURE"] != PYCOGNITO_SIGNATURE
    assert len(base64.b64decode(responses["PASSWORD_CLAIM_SIGNATURE"])) == 32


def test_each_sign_in_has_a_fresh_secret():
    assert srp.SrpSignIn(POOL_ID).srp_a != srp.SrpSignIn(POOL_ID).srp_a


def test_pad_hex_keeps_the_number_positive_and_byte_aligned():
    assert srp.pad_hex(0xABC) == "0abc"
    assert srp.pad_hex(0x7F) == "7f"
    assert srp.pad_hex(0x80) == "0080"
    assert srp.pad_hex("f00d") == "00f00d"


def test_timestamp_day_is_not_zero_padded_and_names_are_english():
    assert srp.cognito_timestamp(datetime.datetime(2026, 11, 30, 9, 5, 1)) == "Mon Nov 30 09:05:01 UTC 2026"
    assert srp.cognito_timestamp(datetime.datetime(2027, 1, 2, 0, 0, 0)) == "Sat Jan 2 00:00:00 UTC 2027"
