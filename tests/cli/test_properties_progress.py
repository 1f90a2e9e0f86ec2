"""The progress bar appears on a terminal only, and never with --quiet or piped output."""

import io
import os
import subprocess
import sys

import pytest

from qnet_cli.progress import Progress

from .conftest import qnet_argv, qnet_env


class _TTY(io.StringIO):
    def isatty(self):
        return True


def test_bar_draws_on_a_tty_and_counts_to_total():
    s = _TTY()
    with Progress(4, "work", stream=s) as bar:
        for _ in range(4):
            bar.advance()
    text = s.getvalue()
    assert "work [" in text and "4/4" in text and "100%" in text and text.endswith("\n")


@pytest.mark.parametrize("stream, enabled", [(io.StringIO(), None), (_TTY(), False)])
def test_bar_silent_off_a_tty_or_when_disabled(stream, enabled):
    with Progress(4, "work", stream=stream, enabled=enabled) as bar:
        bar.advance(4)
    assert stream.getvalue() == ""


def _run_in_pty(args):
    pty = pytest.importorskip("pty")
    master, slave = pty.openpty()
    try:
        proc = subprocess.run(qnet_argv() + args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave,
                              env=qnet_env(), timeout=120)
    finally:
        os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
        if len(data) < 65536:
            break
    os.close(master)
    return proc, b"".join(chunks).decode(errors="replace")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pty semantics")
def test_chain_shows_progress_on_a_terminal_unless_quiet():
    proc, err = _run_in_pty(["chain", "--trials", "400", "--segments", "2", "--json"])
    assert proc.returncode == 0
    assert "chain [" in err and "400/400" in err
    # the chunked run behind the bar gives exactly the unchunked result
    plain = subprocess.run(qnet_argv() + ["chain", "--trials", "400", "--segments", "2", "--json"],
                           capture_output=True, env=qnet_env(), timeout=120)
    assert plain.stderr == b""
    assert plain.stdout == proc.stdout
    proc, err = _run_in_pty(["chain", "--trials", "400", "--segments", "2", "--json", "--quiet"])
    assert proc.returncode == 0
    assert "chain [" not in err


def test_bar_shows_the_rate_so_far_with_a_unit():
    s = _TTY()
    with Progress(1000, "chain", stream=s, unit="trials") as bar:
        bar.update(400)
        bar.update(1000)
    text = s.getvalue()
    assert "1000/1000" in text and "trials/s" in text


def test_run_chain_bar_follows_the_library_callback(monkeypatch):
    """``qnet chain`` draws its bar from simulate_chain's progress callback (after each chunk of trials), with
    and without --max-time, and the result is the one without a bar."""
    import numpy as np

    from qnet_cli.tasks import CHAIN, run_chain

    p = CHAIN.defaults()
    p.update(segments=2, length_km=40.0, trials=3000)
    plain = run_chain(p, 1, progress=False)
    for deadline in (None, float("inf")):
        tty = _TTY()
        monkeypatch.setattr(sys, "stderr", tty)
        shown = run_chain(p, 1, progress=True, deadline=deadline)
        monkeypatch.undo()
        text = tty.getvalue()
        assert "chain [" in text and "3000/3000" in text and "trials/s" in text
        assert text.count("\r") >= 2
        np.testing.assert_array_equal(shown.fidelities, plain.fidelities)
        np.testing.assert_array_equal(shown.delivery_time_s, plain.delivery_time_s)
