"""The README's Python examples run as written (blocks build on each other, as a reader would run them)."""

import pathlib
import re


def test_readme_python_examples_run(tmp_path, monkeypatch):
    readme = pathlib.Path(__file__).resolve().parents[1] / "README.md"
    blocks = re.findall(r"```python\n(.*?)```", readme.read_text(), flags=re.S)
    assert blocks, "README has no python example"
    (tmp_path / "examples").symlink_to(readme.parent / "examples")  # paths as from the repository root
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "readme_example"}
    for code in blocks:
        exec(compile(code, "README.md", "exec"), namespace)
