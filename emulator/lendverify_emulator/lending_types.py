"""The document types Analyze Lending recognises, and which of them have a signature field.

Source: Amazon Textract Developer Guide, "Analyze Lending Response Objects", table "Document
Types" (Type | Signature). Page types are passed through unchanged: a type outside this table
(a newer model's) is still a valid ``PageType``; it just never appears in
``UndetectedDocumentTypes`` and never expects a signature.
"""

from __future__ import annotations

# Type → has a signature field (an unsigned page of such a type is an UndetectedSignature).
DOCUMENT_TYPES: dict[str, bool] = {
    "1003": True,
    "1005": True,
    "1008": True,
    "1040": True,
    "1065": True,
    "1120": True,
    "1040_SCHEDULE_C": False,
    "1040_SCHEDULE_D": False,
    "1040_SCHEDULE_E": False,
    "1099_DIV": False,
    "1099_G": False,
    "1099_INT": False,
    "1099_MISC": False,
    "1099_NEC": False,
    "1099_R": False,
    "1099_SSA": False,
    "1120_S": True,
    "BANK_STATEMENT": False,
    "CHECKS": True,
    "CREDIT_CARD_STATEMENT": False,
    "DEMOGRAPHIC_ADDENDUM": False,
    "HOA_STATEMENT": False,
    "HUD_92900_B": True,
    "IDENTITY_DOCUMENT": False,
    "INVESTMENT_STATEMENT": False,
    "INVOICES": False,
    "MORTGAGE_STATEMENT": False,
    "PAYOFF_STATEMENT": False,
    "PAYSLIPS": False,
    "RECEIPTS": False,
    "SSA_89": True,
    "UNCLASSIFIED": False,
    "UTILITY_BILLS": False,
    "VBA_26_0551": True,
    "W_2": False,
    "W_9": True,
}

UNCLASSIFIED = "UNCLASSIFIED"
IDENTITY_DOCUMENT = "IDENTITY_DOCUMENT"
# Pages Textract routes to AnalyzeExpense: they carry an ExpenseDocument.
EXPENSE_TYPES = frozenset({"RECEIPTS", "INVOICES"})


def expects_signature(page_type: str) -> bool:
    return DOCUMENT_TYPES.get(page_type, False)
