"""Files written inside a transaction appear only if it commits (issue 11 §3)."""
from __future__ import annotations

from casework.storage.files import STAGING, FileStore


def _staged(store: FileStore) -> list[str]:
    staging = store.root / STAGING
    return sorted(p.name for p in staging.iterdir()) if staging.is_dir() else []


def test_file_appears_after_commit_only(container, tmp_path):
    store = FileStore(tmp_path / "files")
    with container.uow() as uow:
        store.put_on_commit(uow.session, "a/one.pdf", b"one")
        assert not (store.root / "a/one.pdf").exists()
        assert len(_staged(store)) == 1
        uow.commit()
    assert store.get("a/one.pdf") == b"one"
    assert _staged(store) == []


def test_rolled_back_transaction_leaves_no_file(container, tmp_path):
    store = FileStore(tmp_path / "files")
    with container.uow() as uow:
        store.put_on_commit(uow.session, "a/two.pdf", b"two")
    assert not (store.root / "a/two.pdf").exists()
    assert _staged(store) == []
    with container.uow() as uow:  # an explicit rollback too, then a commit of nothing staged
        store.put_on_commit(uow.session, "a/three.pdf", b"three")
        uow.rollback()
        uow.commit()
    assert not (store.root / "a/three.pdf").exists()
    assert _staged(store) == []


def test_leftovers_of_dead_processes_are_swept_at_start(tmp_path):
    staging = tmp_path / "files" / STAGING
    staging.mkdir(parents=True)
    (staging / "999999999.abc.a%2Fx.pdf").write_bytes(b"orphan")  # no such pid
    assert FileStore(tmp_path / "files").root.is_dir()
    assert list(staging.iterdir()) == []
