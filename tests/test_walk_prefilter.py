"""The byte-level prefilter of a directory walk (frontends.walk_frontend).

A walk offers a source file to a frontend only when the frontend's
WALK_MARKER finds something in the file's first bytes. The marker must keep
its promise: every file the frontend's own recogniser takes in a walk is
found by it. Checked here on every file the tests and samples hold, and the
real-world corpus beside the repository."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from corslint import frontends
from corslint.frontends import FRONTENDS, frontend_for, walk_frontend

ROOT = Path(__file__).resolve().parent.parent
TREES = [ROOT / "tests", ROOT / "samples", ROOT.parent / "shared" / "corpus"]
SKIP = {"node_modules", "__pycache__", ".venv"}


def every_file() -> list[Path]:
    out = []
    for tree in TREES:
        for root, dirs, files in os.walk(tree):
            dirs[:] = [d for d in dirs if d not in SKIP]
            out.extend(Path(root) / f for f in files)
    return sorted(out)


FILES = every_file()


def test_the_trees_hold_files_of_every_frontend():
    taken = {m.NAME for p in FILES if (m := frontend_for(str(p), named=False)) is not None}
    assert taken == set(FRONTENDS), sorted(set(FRONTENDS) - taken)


@pytest.mark.parametrize("name", [n for n in FRONTENDS if hasattr(frontends._load(n), "WALK_MARKER")])
def test_marker_finds_every_file_its_frontend_takes_in_a_walk(name):
    module = frontends._load(name)
    marker = re.compile(module.WALK_MARKER)
    taken = [p for p in FILES if module.recognises(str(p), named=False)]
    assert taken, f"no file in the test trees is a {name} file"
    missed = [str(p) for p in taken
              if not str(p).lower().endswith(module.WALK_SUFFIXES)
              or not marker.search(p.read_bytes()[:frontends.WALK_HEAD])]
    assert not missed


def test_walk_frontend_answers_as_frontend_for():
    differ = [(str(p), walk_frontend(str(p)), frontend_for(str(p), named=False)) for p in FILES
              if walk_frontend(str(p)) is not frontend_for(str(p), named=False)]
    assert not differ


def test_a_source_file_without_a_marker_is_never_decoded(tmp_path, monkeypatch):
    plain = tmp_path / "util.py"
    plain.write_text("def add(a, b):\n    return a + b\n" * 100)
    js = tmp_path / "util.ts"
    js.write_text("export const add = (a: number, b: number) => a + b;\n")

    def no_decoding(*args, **kwargs):
        raise AssertionError("a recogniser read a file the prefilter should have passed over")

    monkeypatch.setattr(frontends._load("_pyast"), "head_text", no_decoding)
    assert walk_frontend(str(plain)) is None
    assert walk_frontend(str(js)) is None


def test_a_marked_file_is_still_recognised(tmp_path):
    app = tmp_path / "server.ts"
    app.write_text("import cors from 'cors';\nimport express from 'express';\n"
                   "const app = express();\napp.use(cors({ origin: true, credentials: true }));\n")
    assert walk_frontend(str(app)).NAME == "express"
