"""The version-pin readers (koa, fastify, sanic: package.json, lockfiles,
requirements files) on hostile trees: a tree from a stranger's pull request
whose output is public (REVIEW9 items 1-3).

What holds: a pin file is read only when it is a regular file inside the
linted tree (a symbolic link out of it, a FIFO, a device: not read, and the
version it names never appears in the output), within the run's per-file
limit; every reader is linear on a 1 MB file; a JSON file of any shape or
depth is a missing pin, never a crash.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from corslint.frontends import _files, _pins, fastify, koa, sanic
from corslint.frontends._includes import as_roots

CORSLINT = [sys.executable, "-c", "import sys; from corslint.cli import run; sys.argv[0] = 'corslint'; run()"]
SECRET = "SECRET"

KOA_APP = textwrap.dedent("""\
    const Koa = require('koa');
    const app = new Koa();
    app.use(require('@koa/cors')({credentials: true}));
    app.listen(3000);
    """)
KOA_NOT_FOUND = "no @koa/cors version found in a package.json or lockfile: 5.x assumed"
FASTIFY_APP = textwrap.dedent("""\
    const fastify = require('fastify')()
    const cors = require('@fastify/cors')
    fastify.register(cors, { credentials: true })
    fastify.get('/api/items', async () => ({ items: [] }))
    """)
SANIC_APP = textwrap.dedent("""\
    from sanic import Sanic, response
    from sanic_cors import CORS

    app = Sanic("items_api")
    CORS(app, origins=[r"https://[a-z0-9-]+\\.example\\.com"], supports_credentials=True)


    @app.route("/api/items", methods=["GET", "POST"])
    async def items(request):
        return response.json({"items": []})
    """)
SANIC_NOT_FOUND = "sanic-cors's version is not pinned"


def corslint(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    return subprocess.run([*CORSLINT, *args], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=120, text=True)


def project(tmp_path: Path, app_name: str, app_text: str) -> tuple[Path, Path]:
    """tmp/app/<app_name> and a directory beside the tree (outside it)."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / app_name).write_text(app_text)
    (tmp_path / "outside").mkdir()
    return tmp_path / "app", tmp_path / "outside"


# ---------------------------------------------------------------- links out of the tree, FIFOs, devices


def test_koa_lockfile_linked_out_of_the_tree_is_not_read(tmp_path: Path):
    app, outside = project(tmp_path, "app.js", KOA_APP)
    lock = {"packages": {"node_modules/@koa/cors": {"version": f"4.9.9-{SECRET}"}}}
    (outside / "lock.json").write_text(json.dumps(lock))
    (app / "package-lock.json").symlink_to(outside / "lock.json")
    done = corslint("app", cwd=tmp_path)
    assert SECRET not in done.stdout + done.stderr
    assert KOA_NOT_FOUND in done.stdout and "CORS105" in done.stdout
    assert done.returncode == 1, done.stderr
    # the same file inside the tree is read: the test above can fail
    (app / "package-lock.json").unlink()
    (app / "package-lock.json").write_text(json.dumps(lock))
    done = corslint("app", cwd=tmp_path)
    assert f"4.9.9-{SECRET} in package-lock.json" in done.stdout


@pytest.mark.parametrize("name", ["package-lock.json", "yarn.lock", "pnpm-lock.yaml", "package.json"])
def test_koa_pin_file_linked_to_dev_zero_returns_promptly(tmp_path: Path, name: str):
    app, _ = project(tmp_path, "app.js", KOA_APP)
    (app / name).symlink_to("/dev/zero")
    done = corslint("app", cwd=tmp_path)    # timeout=120: /dev/zero read to the end never returns
    assert KOA_NOT_FOUND in done.stdout
    assert done.returncode == 1, done.stderr


@pytest.mark.parametrize("name", ["package-lock.json", "package.json"])
def test_koa_fifo_pin_file_is_not_opened_for_reading(tmp_path: Path, name: str):
    app, _ = project(tmp_path, "app.js", KOA_APP)
    os.mkfifo(app / name)       # opening a FIFO to read waits for a writer that never comes
    assert koa.pinned_major(str(app / "app.js"), as_roots([app])) == (None, "")


def test_fastify_package_json_linked_out_of_the_tree_is_not_read(tmp_path: Path):
    app, outside = project(tmp_path, "app.js", FASTIFY_APP)
    (outside / "package.json").write_text(json.dumps({"dependencies": {"@fastify/cors": f"7.0.0-{SECRET}"}}))
    (app / "package.json").symlink_to(outside / "package.json")
    roots = as_roots([app])
    pinned = fastify.pinned_version(str(app), roots)
    assert pinned.major is None and "no @fastify/cors version is pinned" in pinned.named()
    done = corslint("app", cwd=tmp_path)
    assert SECRET not in done.stdout + done.stderr
    assert done.returncode == 1 and "CORS201" in done.stdout, done.stderr
    # inside the tree it is read
    (app / "package.json").unlink()
    (app / "package.json").write_text((outside / "package.json").read_text())
    assert fastify.pinned_version(str(app), roots).major == 7


@pytest.mark.parametrize("name", ["package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml",
                                  "package.json"])
def test_fastify_pin_file_on_a_device_or_fifo_is_not_read(tmp_path: Path, name: str):
    app, _ = project(tmp_path, "app.js", FASTIFY_APP)
    (app / name).symlink_to("/dev/zero")
    assert fastify.pinned_version(str(app), as_roots([app, "/dev"])).major is None   # /dev a root: still a device
    (app / name).unlink()
    os.mkfifo(app / name)
    assert fastify.pinned_version(str(app), as_roots([app])).major is None


def test_sanic_requirements_linked_out_of_the_tree_is_not_read(tmp_path: Path):
    app, outside = project(tmp_path, "app.py", SANIC_APP)
    (outside / "requirements.txt").write_text(f"sanic-cors==2.1.9-{SECRET}\n")
    (app / "requirements.txt").symlink_to(outside / "requirements.txt")
    done = corslint("app", cwd=tmp_path)
    assert SECRET not in done.stdout + done.stderr
    assert SANIC_NOT_FOUND in done.stdout and "CORS106" in done.stdout
    assert done.returncode == 1, done.stderr
    (app / "requirements.txt").unlink()
    (app / "requirements.txt").write_text((outside / "requirements.txt").read_text())
    done = corslint("app", cwd=tmp_path)
    assert f"sanic-cors 2.1.9-{SECRET}, pinned at app/requirements.txt:1" in done.stdout


def test_sanic_requirements_on_dev_zero_or_fifo_is_not_read(tmp_path: Path):
    app, _ = project(tmp_path, "app.py", SANIC_APP)
    (app / "requirements").mkdir()
    (app / "requirements" / "base.txt").symlink_to("/dev/zero")
    os.mkfifo(app / "requirements.txt")
    assert sanic.pinned_version(str(app / "app.py"), as_roots([app, "/dev"])) is None


def test_a_pin_file_over_the_size_limit_is_not_used(tmp_path: Path):
    (tmp_path / "requirements.txt").write_text("sanic-cors==2.1.0\n" + "#" * 200)
    app = str(tmp_path / "app.py")
    with _files.reading(_files.ReadLimits(max_file_bytes=100)):
        assert _pins.read_pin_file(str(tmp_path / "requirements.txt"), (str(tmp_path),)) is None
        assert sanic.pinned_version(app, (str(tmp_path),)) is None
    with _files.reading(_files.ReadLimits(max_file_bytes=1000)):
        assert sanic.pinned_version(app, (str(tmp_path),)).version == "2.1.0"


def test_pin_files_count_against_the_total_read(tmp_path: Path):
    (tmp_path / "requirements.txt").write_text("sanic-cors==2.1.0\n")
    limits = _files.ReadLimits(max_file_bytes=1000, max_total_bytes=30)
    with _files.reading(limits):
        assert _pins.read_pin_file(str(tmp_path / "requirements.txt"), (str(tmp_path),)) is not None
        assert _pins.read_pin_file(str(tmp_path / "requirements.txt"), (str(tmp_path),)) is None   # 36 > 30


# ---------------------------------------------------------------- 1 MB hostile files: linear time

MB = 1_000_000
HOSTILE = {
    "blank lines": " \n" * (MB // 2),
    "one long blank line": " " * MB + "x",
    "newlines": "\n" * MB,
}
# Per reader, what its own patterns could stumble on.
KOA_HOSTILE = {
    "yarn.lock": {"entry without a version": "@koa/cors@^4.0.0:\n" + "  a\n" * (MB // 4)},
    "pnpm-lock.yaml": {"indented lines": "  x\n" * (MB // 4)},
    "package.json": {"blank range": json.dumps({"dependencies": {"@koa/cors": " " * MB + "x"}})},
}
FASTIFY_HOSTILE = {
    "yarn.lock": {"entry without a version": "@fastify/cors@^9.0.0:\n" + "  a\n" * (MB // 4)},
    "pnpm-lock.yaml": {"specifier blocks": "  @fastify/cors:\n" + " \n" * (MB // 2)},
    "package.json": {"blank range": json.dumps({"dependencies": {"@fastify/cors": " " * MB + "x"}})},
}
SANIC_HOSTILE = {
    "requirements.txt": {"open extras": "sanic-cors[\n" * (MB // 12),
                         "blank after the name": "sanic-cors" + " " * MB + "x"},
    "poetry.lock": {"lock entries without a version": 'name = "sanic-cors"\n' + "\n" * MB,
                    "unclosed versions": 'name="sanic-cors"\nversion="x\n' * (MB // 30)},
    "Pipfile.lock": {"unclosed entries": '"sanic-cors": {' * (MB // 15)},
}
JSON_NAMES = ("package-lock.json", "npm-shrinkwrap.json", "package.json", "Pipfile.lock")
DEEP = {"deep arrays": "[" * 200_000, "deep objects": '{"a":' * 200_000}

# A child process runs the reader and prints how long it took: a quadratic
# reader on 1 MB takes hours, so the subprocess timeout ends the test.
TIMED = textwrap.dedent("""\
    import json, sys, time
    from corslint.frontends import fastify, koa, sanic
    from corslint.frontends._includes import as_roots
    frontend, directory = sys.argv[1], sys.argv[2]
    roots = as_roots([directory])
    start = time.perf_counter()
    if frontend == "koa":
        found = koa.pinned_major(directory + "/app.js", roots)[0]
    elif frontend == "fastify":
        found = fastify.pinned_version(directory, roots).major
    else:
        pin = sanic.pinned_version(directory + "/app.py", roots)
        found = pin and pin.version
    print(json.dumps([time.perf_counter() - start, found]))
    """)


def cases(frontend: str, names: tuple[str, ...], own: dict[str, dict[str, str]]):
    for name in names:
        texts = {**HOSTILE, **own.get(name, {}), **(DEEP if name in JSON_NAMES else {})}
        for what, text in texts.items():
            yield pytest.param(frontend, name, text, id=f"{frontend}-{name}-{what}")


@pytest.mark.parametrize("frontend,name,text", [
    *cases("koa", ("package-lock.json", "yarn.lock", "pnpm-lock.yaml", "package.json"), KOA_HOSTILE),
    *cases("fastify", ("package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "package.json"),
           FASTIFY_HOSTILE),
    *cases("sanic", sanic.PIN_FILES, SANIC_HOSTILE),
])
def test_a_hostile_megabyte_is_read_in_linear_time(tmp_path: Path, frontend: str, name: str, text: str):
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_text(text)
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    done = subprocess.run([sys.executable, "-c", TIMED, frontend, str(tmp_path)], env=env, timeout=60,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert done.returncode == 0, done.stderr
    elapsed, found = json.loads(done.stdout)
    assert found is None        # no pin in any of them
    assert elapsed < 1.0, f"{elapsed:.2f} s"


def test_fastify_major_is_linear_on_a_long_blank_range():
    assert fastify._major(" " * MB + "x", "@fastify/cors") is None
    assert fastify._major(" " * MB + "^9.1.0", "@fastify/cors") == 9
    assert fastify._major(">= 8", "@fastify/cors") == 8


# ---------------------------------------------------------------- JSON of any shape: a missing pin


SHAPES = ["[]", '{"packages": [1]}', '{"packages": {"node_modules/@koa/cors": 1}}', '{"dependencies": "x"}',
          '{"dependencies": {"@koa/cors": ["4"]}}', '{"packages": {"node_modules/@fastify/cors": {"version": 9}}}',
          '{"dependencies": {"@fastify/cors": {"version": null}}}', "null", '"x"', "[" * 200_000,
          '{"a":' * 200_000]


@pytest.mark.parametrize("name", ["package-lock.json", "package.json"])
@pytest.mark.parametrize("text", SHAPES, ids=range(len(SHAPES)))
def test_koa_any_json_shape_is_a_missing_pin(tmp_path: Path, name: str, text: str):
    app, _ = project(tmp_path, "app.js", KOA_APP)
    (app / name).write_text(text)
    assert koa.pinned_major(str(app / "app.js"), as_roots([app])) == (None, "")


@pytest.mark.parametrize("name", ["package-lock.json", "npm-shrinkwrap.json", "package.json"])
@pytest.mark.parametrize("text", SHAPES, ids=range(len(SHAPES)))
def test_fastify_any_json_shape_is_a_missing_pin(tmp_path: Path, name: str, text: str):
    app, _ = project(tmp_path, "app.js", FASTIFY_APP)
    (app / name).write_text(text)
    assert fastify.pinned_version(str(app), as_roots([app])).major is None


@pytest.mark.parametrize("text", ["[]", '{"default": [1]}', '{"default": {"sanic-cors": "==2.1.0"}}',
                                  '{"develop": {"sanic-cors": {"version": 2}}}', "[" * 200_000])
def test_sanic_any_pipfile_lock_shape_is_a_missing_pin(tmp_path: Path, text: str):
    (tmp_path / "Pipfile.lock").write_text(text)
    assert sanic.pinned_version(str(tmp_path / "app.py"), (str(tmp_path),)) is None


def test_sanic_pipfile_lock_pin_is_read_with_its_line(tmp_path: Path):
    lock = {"_meta": {"hash": {}}, "default": {"sanic": {"version": "==25.12.1"},
                                                 "sanic-cors": {"hashes": ["sha256:0"], "version": "==2.1.0"}}}
    (tmp_path / "Pipfile.lock").write_text(json.dumps(lock, indent=4))
    pin = sanic.pinned_version(str(tmp_path / "app.py"), (str(tmp_path),))
    assert pin.version == "2.1.0"
    lines = (tmp_path / "Pipfile.lock").read_text().splitlines()
    assert '"==2.1.0"' in lines[pin.source.line - 1]


@pytest.mark.parametrize("frontend,app_name,app_text,files", [
    ("koa", "app.js", KOA_APP, {"package-lock.json": "[" * 200_000}),
    ("koa", "app.js", KOA_APP, {"package-lock.json": '{"packages": [1]}', "package.json": '{"a":' * 200_000}),
    ("fastify", "app.js", FASTIFY_APP, {"package-lock.json": "[]"}),
    ("fastify", "app.js", FASTIFY_APP, {"package-lock.json": '{"packages": [1]}', "package.json": "[" * 200_000}),
    ("sanic", "app.py", SANIC_APP, {"Pipfile.lock": "[" * 200_000}),
], ids=["koa-deep-lock", "koa-lock-list-deep-package", "fastify-lock-list", "fastify-lock-list-deep-package",
        "sanic-deep-pipfile-lock"])
def test_hostile_pin_files_exit_as_a_missing_pin(tmp_path: Path, frontend, app_name, app_text, files):
    app, _ = project(tmp_path, app_name, app_text)
    missing = corslint("app", cwd=tmp_path)
    for name, text in files.items():
        (app / name).write_text(text)
    done = corslint("app", cwd=tmp_path)
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
    assert (done.returncode, done.stdout) == (missing.returncode, missing.stdout)
    assert done.returncode == 1
