"""Login tokens that keep a workbench login across reloads: signed, expiring, revocable, tied to the user."""

from __future__ import annotations

import time

from kb.tokens import make_token, read_token


def test_token_round_trip_and_tampering():
    tok = make_token("k1", "reviewer", "reviewer", time.time() + 60, "fp")
    assert read_token("k1", tok)["u"] == "reviewer"
    assert read_token("k2", tok) is None  # another key
    body, sig = tok.split(".")
    forged = make_token("k1", "admin", "admin", time.time() + 60, "fp").split(".")[0] + "." + sig
    assert read_token("k1", forged) is None  # payload swapped under an old signature
    for junk in ("", "x", "a.b.c", body, "." + sig, "é." + sig, "a" * 5000):
        assert read_token("k1", junk) is None
    assert read_token("k1", make_token("k1", "u", "reviewer", time.time() - 1, "fp")) is None  # expired


def test_accounts_token_survives_only_while_valid(kb):
    kb.accounts.add_user("rev", "pw-1234", "reviewer")
    sess = kb.accounts.login("rev", "pw-1234")
    tok = kb.accounts.issue_token(sess)
    back = kb.accounts.session_from_token(tok)
    assert (back.username, back.role) == ("rev", "reviewer") and abs(back.expires - sess.expires) < 1
    # the key is kept in the database: another process on the same DB accepts the token
    from kb.service import open_kb

    other = open_kb(kb.config.db_url.removeprefix("sqlite:///"))
    assert other.accounts.session_from_token(tok) is not None
    # logout revokes this token only
    tok2 = kb.accounts.issue_token(kb.accounts.login("rev", "pw-1234"))
    kb.accounts.revoke_token(tok)
    assert kb.accounts.session_from_token(tok) is None
    assert other.accounts.session_from_token(tok) is None
    assert kb.accounts.session_from_token(tok2) is not None
    # a password reset or a role change ends every session of the user; so does deletion
    kb.accounts.add_user("rev", "pw-5678", "reviewer")
    assert kb.accounts.session_from_token(tok2) is None
    tok3 = kb.accounts.issue_token(kb.accounts.login("rev", "pw-5678"))
    kb.accounts.add_user("rev", "pw-5678", "analyst")
    assert kb.accounts.session_from_token(tok3) is None
    tok4 = kb.accounts.issue_token(kb.accounts.login("rev", "pw-5678"))
    assert kb.accounts.session_from_token(tok4).role == "analyst"
    kb.accounts.remove_user("rev")
    assert kb.accounts.session_from_token(tok4) is None


def test_time_labels_are_in_shanghai_and_codes_have_meanings():
    from app_pages.labels import code_label, codes_label, local_time

    assert local_time("2026-12-03T06:42:35+00:00") == "2026-12-03 14:42"
    assert local_time("2026-12-03T23:30:00+0000") == "2026-12-04 07:30"
    assert local_time("2026-12-03T06:42:35") == "2026-12-03 14:42"  # naive stored times are UTC
    assert local_time("not a time") == "not a time" and local_time(None) == ""
    assert code_label("LEN001") == "LEN001 字数超过上限"
    assert codes_label(["QNT003", "XYZ9"]) == "QNT003 数据前后矛盾；XYZ9"


def test_the_admin_page_names_the_encoder_in_words_not_its_id():
    from app_pages.labels import encoder_label
    from nlp.similarity.tfidf import TfidfEncoder

    name = TfidfEncoder().name
    assert name not in encoder_label(name) and "TF-IDF" in encoder_label(name)
    assert encoder_label("st-bge-small-zh") == "本地句向量模型 bge-small-zh"
