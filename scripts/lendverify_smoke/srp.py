"""The client half of Cognito's SRP sign-in (USER_SRP_AUTH, then the PASSWORD_VERIFIER challenge).

The project's web client allows only SRP (modules/identity: a browser keeps no secret and never
sends the password), so the smoke test signs in the same way. This follows the reference client,
amazon-cognito-identity-js `AuthenticationHelper`: the 3072-bit RFC 5054 group, g = 2,
x = H(salt | H(poolName | userIdForSrp | ":" | password)), HKDF "Caldera Derived Key".
scripts/tests/test_srp.py pins the signature to the one pycognito computes for the same inputs.
"""
from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import secrets

_N_HEX = (
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1"
    "29024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245"
    "E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3D"
    "C2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D"
    "670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9"
    "DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64"
    "ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6B"
    "F12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB31"
    "43DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"
)
N = int(_N_HEX, 16)
G = 2
_HKDF_INFO = b"Caldera Derived Key\x01"
# Cognito parses the timestamp with English names whatever the client's locale.
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def pad_hex(value: int | str) -> str:
    """Hex of a non-negative number as the reference client hashes it: an even number of digits,
    with a leading 00 when the first digit would set the sign bit."""
    digits = value if isinstance(value, str) else format(value, "x")
    if len(digits) % 2 == 1:
        return "0" + digits
    if digits[0] in "89abcdefABCDEF":
        return "00" + digits
    return digits


def _sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hash_of_hex(hex_string: str) -> int:
    return int(_sha256_hex(bytes.fromhex(hex_string)), 16)


K = _hash_of_hex("00" + _N_HEX + "0" + format(G, "x"))


def cognito_timestamp(moment: datetime.datetime) -> str:
    """`Thu Mar 5 07:08:09 UTC 2026`: the day is not zero-padded."""
    return (
        f"{_WEEKDAYS[moment.weekday()]} {_MONTHS[moment.month - 1]} {moment.day} "
        f"{moment:%H:%M:%S} UTC {moment.year}"
    )


class SrpSignIn:
    """One sign-in attempt: a fresh secret `a`, its public `A`, then the answer to the challenge."""

    def __init__(self, user_pool_id: str, small_a: int | None = None) -> None:
        # The pool's name is the part of its id after the region: us-east-1_AbCdEf123 -> AbCdEf123.
        self.pool_name = user_pool_id.split("_", 1)[1]
        self.small_a = small_a if small_a is not None else int.from_bytes(secrets.token_bytes(128), "big") % N
        self.large_a = pow(G, self.small_a, N)
        if self.large_a % N == 0:
            raise ValueError("SRP safety check failed: A mod N is 0")

    @property
    def srp_a(self) -> str:
        """The SRP_A authentication parameter."""
        return format(self.large_a, "x")

    def _authentication_key(self, user_id_for_srp: str, password: str, large_b: int, salt_hex: str) -> bytes:
        u = _hash_of_hex(pad_hex(self.large_a) + pad_hex(large_b))
        if u == 0:
            raise ValueError("SRP safety check failed: u is 0")
        identity_hash = _sha256_hex(f"{self.pool_name}{user_id_for_srp}:{password}".encode("utf-8"))
        x = _hash_of_hex(pad_hex(salt_hex) + identity_hash)
        shared_secret = pow(large_b - K * pow(G, x, N), self.small_a + u * x, N)
        prk = hmac.new(bytes.fromhex(pad_hex(u)), bytes.fromhex(pad_hex(shared_secret)), hashlib.sha256).digest()
        return hmac.new(prk, _HKDF_INFO, hashlib.sha256).digest()[:16]

    def password_verifier_responses(
        self, challenge_parameters: dict[str, str], username: str, password: str, now: datetime.datetime
    ) -> dict[str, str]:
        """The ChallengeResponses of RespondToAuthChallenge(PASSWORD_VERIFIER)."""
        user_id_for_srp = challenge_parameters["USER_ID_FOR_SRP"]
        large_b = int(challenge_parameters["SRP_B"], 16)
        if large_b % N == 0:
            raise ValueError("SRP safety check failed: B mod N is 0")
        key = self._authentication_key(user_id_for_srp, password, large_b, challenge_parameters["SALT"])
        secret_block = challenge_parameters["SECRET_BLOCK"]
        timestamp = cognito_timestamp(now)
        message = (
            self.pool_name.encode("utf-8")
            + user_id_for_srp.encode("utf-8")
            + base64.b64decode(secret_block)
            + timestamp.encode("utf-8")
        )
        signature = base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode("ascii")
        return {
            "TIMESTAMP": timestamp,
            "USERNAME": challenge_parameters.get("USERNAME", username),
            "PASSWORD_CLAIM_SECRET_BLOCK": secret_block,
            "PASSWORD_CLAIM_SIGNATURE": signature,
        }
