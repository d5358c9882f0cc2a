"""Ask page: chat answers with provider, grounding and citations; a payment's lifecycle timeline."""

from tests.ui.conftest import open_app


def test_chat_answer_shows_provider_and_citations(ui_env, demo_day):
    at = open_app("views/ask.py", user="carl")
    at.chat_input[0].set_value("What does reason code AC04 mean?").run()
    assert not at.exception and not at.error
    assert len(at.chat_message) == 2 and at.chat_message[1].name == "assistant"
    answer = at.chat_message[1]
    assert "AC04" in answer.markdown[0].value
    assert any("Answered by **none**" in c.value and "grounded" in c.value for c in answer.caption)
    cited = [e for e in answer.expander if e.label.startswith("[")]
    assert any("iso-status-reason-codes#ac04" in e.label for e in cited) and all(e.markdown for e in cited)

    at.chat_input[0].set_value("Why was E2E-4471 rejected?").run()  # the history stays; facts come from the store
    assert len(at.chat_message) == 4
    assert "E2E-4471" in at.chat_message[3].markdown[0].value and "AC04" in at.chat_message[3].markdown[0].value


def test_lifecycle_timeline_of_a_payment(ui_env, demo_day):
    at = open_app("views/ask.py", user="olivia")
    at.text_input(key="timeline_ref").input("E2E-4474").run()
    steps = at.dataframe[0].value
    assert list(steps["stage"])[0] == "initiated" and "returned" in list(steps["stage"])
    assert "BE04" in set(steps["reason_code"].dropna())
    at.text_input(key="timeline_ref").input("NO-SUCH-REF-1").run()
    assert any("No stored message carries NO-SUCH-REF-1" in w.value for w in at.warning)
