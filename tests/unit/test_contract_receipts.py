"""The receipt check TopicSubmitted carries: a function of the secret, the topic and the code."""

from uuid import uuid4

from yishi_contracts.receipts import canonical_receipt_code, matches, receipt_check


def test_a_typed_code_is_read_in_its_canonical_form() -> None:
    assert canonical_receipt_code(" j3sls cfv5e ") == "J3SLS-CFV5E"
    assert canonical_receipt_code("J3SLS—CFV5E") == "J3SLS-CFV5E"
    assert canonical_receipt_code("ｊ３ＳＬＳ－ＣＦＶ５Ｅ") == "J3SLS-CFV5E"  # typed with a Chinese input method
    assert canonical_receipt_code("J3SLS-CFV5") is None
    assert canonical_receipt_code("O3SLS-CFV5E") is None  # no look-alikes in the alphabet


def test_the_check_depends_on_secret_topic_and_code() -> None:
    topic = uuid4()
    check = receipt_check("s", topic, "J3SLS-CFV5E")
    assert len(check) == 43 and "=" not in check
    assert matches("s", topic, "J3SLS-CFV5E", check)
    assert not matches("other", topic, "J3SLS-CFV5E", check)
    assert not matches("s", uuid4(), "J3SLS-CFV5E", check)
    assert not matches("s", topic, "J3SLS-CFV5F", check)
