"""Which stanza models are installed, and fetching the English default set.

Backs ``sayso models status`` and ``sayso models download``. Only :func:`download_models` touches
the network; everything else reads the resources directory.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

LANGUAGE = "en"
DEFAULT_PROCESSORS = ("tokenize", "mwt", "pos", "lemma", "depparse", "ner")
DOWNLOAD_COMMAND = "sayso models download"


@dataclass(frozen=True)
class ModelFile:
    """One model file a processor needs: the processor's own model or one it depends on."""

    processor: str
    model: str
    package: str
    path: Path
    present: bool


def resources_dir(stanza_dir: str | None = None) -> Path:
    """The stanza resources directory: ``stanza_dir``, else ``$STANZA_RESOURCES_DIR``, else
    stanza's default (the user cache directory)."""
    if stanza_dir:
        return Path(stanza_dir).expanduser()
    if os.environ.get("STANZA_RESOURCES_DIR"):
        return Path(os.environ["STANZA_RESOURCES_DIR"]).expanduser()
    # stanza's own default, worked out without importing stanza (which pulls in torch: seconds).
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("stanza", "StanfordNLP", version("stanza"))) / "resources"


def model_status(
    stanza_dir: str | None = None, processors: tuple[str, ...] = DEFAULT_PROCESSORS
) -> list[ModelFile]:
    """Every model file ``processors`` need, each marked present or not.

    Without a ``resources.json`` nothing can be located, so each processor is reported missing
    under its own name.
    """
    root = resources_dir(stanza_dir)
    resources_file = root / "resources.json"
    if not resources_file.is_file():
        return [ModelFile(p, p, "?", root / LANGUAGE / p, False) for p in processors]
    language = json.loads(resources_file.read_text(encoding="utf-8")).get(LANGUAGE, {})
    defaults = language.get("default_processors", {})
    files: list[ModelFile] = []
    seen: set[Path] = set()
    for processor in processors:
        package = defaults.get(processor, "default")
        needed = [(processor, package)]
        info = language.get(processor, {}).get(package, {})
        needed += [(dep["model"], dep["package"]) for dep in info.get("dependencies", [])]
        for model, model_package in needed:
            path = root / LANGUAGE / model / f"{model_package}.pt"
            if path not in seen:
                seen.add(path)
                files.append(ModelFile(processor, model, model_package, path, path.is_file()))
    return files


def missing_models(
    stanza_dir: str | None = None, processors: tuple[str, ...] = DEFAULT_PROCESSORS
) -> list[ModelFile]:
    """The model files ``processors`` need that are not installed."""
    return [f for f in model_status(stanza_dir, processors) if not f.present]


def download_models(
    stanza_dir: str | None = None, processors: tuple[str, ...] = DEFAULT_PROCESSORS
) -> Path:
    """Download the English models for ``processors`` (network!) and return where they went."""
    import stanza

    root = resources_dir(stanza_dir)
    stanza.download(LANGUAGE, model_dir=str(root), processors=",".join(processors))
    return root


def models_identity(stanza_dir: str | None = None) -> str:
    """What identifies the models a stanza pipeline would load from this directory: where it is,
    and each model file's package, size and the checksum ``resources.json`` gives for it."""
    root = resources_dir(stanza_dir)
    resources_file = root / "resources.json"
    checksums = {}
    if resources_file.is_file():
        language = json.loads(resources_file.read_text(encoding="utf-8")).get(LANGUAGE, {})
        checksums = {
            (model, package): info.get("md5")
            for model, packages in language.items()
            if isinstance(packages, dict)
            for package, info in packages.items()
            if isinstance(info, dict)
        }
    files = [
        [f.model, f.package, f.path.stat().st_size if f.present else None,
         checksums.get((f.model, f.package))]
        for f in model_status(stanza_dir)
    ]  # fmt: skip
    return json.dumps({"directory": str(root.resolve()), "files": files})
