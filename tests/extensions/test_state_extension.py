"""StateExtension: the run's store, opened and reconciled on first use; validator hand-over."""

from __future__ import annotations

from newscrawl.extensions.state_extension import MAX_NOTED, StateExtension
from newscrawl.state.sqlite_store import SQLiteStore
from newscrawl.state.store import Validators
from tests.state.test_store_contract import claim


def test_extension_lets_go_of_the_oldest_noted_validators(tmp_path):
    extension = StateExtension(str(tmp_path / "state.sqlite"))
    for n in range(MAX_NOTED + 1):
        extension.note_validators(f"https://ex.com/{n}", Validators(etag=str(n)))
    assert extension.take_validators("https://ex.com/0") == Validators()
    assert extension.take_validators(f"https://ex.com/{MAX_NOTED}") == Validators(
        etag=str(MAX_NOTED)
    )
    assert extension.take_validators(f"https://ex.com/{MAX_NOTED}") == Validators()


def test_extension_reconciles_on_first_use(tmp_path):
    path = tmp_path / "state.sqlite"
    store = SQLiteStore.open(path)
    store.begin(claim(), str(tmp_path / "missing.jsonl"), 0)
    store.close()
    extension = StateExtension(str(path))
    assert extension.store.page("https://ex.com/a") is None
    assert list(extension.store.pending()) == []
    extension.close()
    extension.close()
