"""The folders of ONNX CLIP models that exist in the wild, read into an :class:`OnnxModelFiles`.

Three layouts are recognised: photoclip's own (a ``photoclip_onnx.json`` manifest); rclip's
(``visual.onnx`` and ``textual.onnx``, in its data folder under a sub-folder named after the
model, with no word on preprocessing, which therefore comes from photoclip's registry); and
Immich's (``visual/model.onnx`` and ``textual/model.onnx`` beside open_clip's ``config.json``,
the image settings in ``visual/preprocess_cfg.json`` and a Hugging Face ``tokenizer.json``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from photoclip.core.errors import ModelError
from photoclip.core.models.onnx_files import MANIFEST, OnnxModelFiles, TokenizerSpec
from photoclip.core.models.preprocess import PreprocessConfig
from photoclip.core.paths import expand_home

RCLIP_GRAPHS = ("visual.onnx", "textual.onnx")
IMMICH_GRAPHS = ("visual/model.onnx", "textual/model.onnx")
IMMICH_FILES = (
    "config.json",
    "visual/model.onnx",
    "visual/preprocess_cfg.json",
    "textual/model.onnx",
    "textual/tokenizer.json",
    "textual/tokenizer_config.json",
)
_CLEANING = ("lower", "whitespace", "canonicalize")  # open_clip's ``clean`` choices


def rclip_files(
    folder: Path, model_id: str, preprocess: PreprocessConfig, *, sub: str = "", dim: int = 0
) -> OnnxModelFiles:
    """rclip's two graphs in ``folder`` (or its sub-folder ``sub``), tokenised with photoclip's
    bundled CLIP vocabulary, which is the file rclip ships beside them."""
    prefix = f"{sub}/" if sub else ""
    return OnnxModelFiles(
        folder=Path(folder),
        model_id=model_id,
        visual=f"{prefix}visual.onnx",
        textual=f"{prefix}textual.onnx",
        preprocess=preprocess,
        tokenizer=TokenizerSpec(kind="clip-bpe", path="", context_length=77),
        dim=dim,
        source="rclip",
    )


def immich_files(folder: Path, model_id: str) -> OnnxModelFiles:
    """An Immich model folder, with its tokenizer and image settings read from its JSON files.

    Raises :class:`ModelError` naming the file when one is missing or is not what Immich writes.
    """
    folder = Path(folder)
    missing = [name for name in IMMICH_FILES if not (folder / name).is_file()]
    if missing:
        raise ModelError(
            f"{folder} looks like an Immich model folder but lacks {', '.join(missing)}. "
            "Download the model again, or give a folder that holds all of its files."
        )
    config = _json_object(folder, "config.json")
    text_cfg = config.get("text_cfg") or {}
    if not isinstance(text_cfg, dict):
        raise _unreadable(folder, "config.json", "has a text_cfg that is not an object")
    context_length = text_cfg.get("context_length", 77)
    if type(context_length) is not int or context_length < 3:
        raise _unreadable(folder, "config.json", f"gives the context length {context_length!r}")
    kwargs = text_cfg.get("tokenizer_kwargs") or {}
    clean = kwargs.get("clean", "lower") if isinstance(kwargs, dict) else None
    if clean not in _CLEANING:
        raise _unreadable(folder, "config.json", f"asks for the text cleaning {clean!r}, not one of {_CLEANING}")
    dim = config.get("embed_dim", 0)
    if type(dim) is not int or dim < 0:
        raise _unreadable(folder, "config.json", f"gives the embedding size {dim!r}")
    try:
        preprocess = PreprocessConfig.from_dict(_json_object(folder, "visual/preprocess_cfg.json"))
    except (TypeError, ValueError) as exc:
        raise _unreadable(folder, "visual/preprocess_cfg.json", f"has a value photoclip cannot use ({exc})") from exc
    if preprocess.size <= 0:
        raise _unreadable(folder, "visual/preprocess_cfg.json", f"gives the image size {preprocess.size}")
    pad_id = _pad_id(folder)
    return OnnxModelFiles(
        folder=folder,
        model_id=model_id,
        visual="visual/model.onnx",
        textual="textual/model.onnx",
        preprocess=preprocess,
        tokenizer=TokenizerSpec(
            kind="hf-json", path="textual/tokenizer.json", context_length=context_length, pad_id=pad_id, clean=clean
        ),
        dim=dim,
        source="immich",
    )


def read_model_folder(
    folder: Path, *, model_id: str | None = None, preprocess: PreprocessConfig | None = None, dim: int = 0
) -> OnnxModelFiles:
    """Recognises a folder of ONNX CLIP files the user already has (``--weights DIR``).

    ``folder`` itself is tried first, then the folders directly inside it (rclip keeps its graphs
    in a sub-folder named after the model, Immich one folder per model). ``model_id`` is the
    model the caller expects: a photoclip manifest naming another is refused, and rclip's and
    Immich's folders, which do not name their model, need it. ``preprocess`` and ``dim`` come from
    photoclip's registry for rclip's folders, which do not say how pictures are prepared.
    Raises :class:`ModelError` saying what was looked for when nothing matches.
    """
    folder = expand_home(folder)
    if not folder.is_dir():
        raise ModelError(f"{folder} is not a folder. Give the folder that holds the model's ONNX files.")
    root = folder if _layout(folder) else _matching_subfolder(folder, model_id)
    layout = _layout(root) if root else None
    if root is None or layout is None:
        raise ModelError(
            f"No ONNX CLIP model was found in {folder}. photoclip looked there and in the folders directly inside "
            f"it for:\n  • {MANIFEST} (a model photoclip prepared)\n"
            "  • visual.onnx and textual.onnx (rclip's layout)\n"
            "  • visual/model.onnx and textual/model.onnx beside config.json (Immich's layout)"
        )
    if layout == "photoclip":
        return _from_manifest(root, model_id)
    if not model_id:
        raise ModelError(
            f"{root} holds a model in {layout}'s layout, which does not say which model it is. Name it with --model."
        )
    if layout == "immich":
        return immich_files(root, model_id)
    if preprocess is None:
        raise ModelError(
            f"{root} holds rclip's visual.onnx and textual.onnx, which do not say how pictures are prepared. "
            "Name the model with --model so that photoclip can use its settings."
        )
    return rclip_files(root, model_id, preprocess, dim=dim)


def _layout(root: Path) -> str | None:
    if (root / MANIFEST).is_file():
        return "photoclip"
    if all((root / name).is_file() for name in IMMICH_GRAPHS):
        return "immich"
    if all((root / name).is_file() for name in RCLIP_GRAPHS):
        return "rclip"
    return None


def _matching_subfolder(folder: Path, model_id: str | None) -> Path | None:
    """The one folder inside ``folder`` that holds a model: the one named after ``model_id`` when
    there are several (rclip's ``arch-pretrained``, Immich's ``arch__pretrained``)."""
    try:
        found = sorted(sub for sub in folder.iterdir() if sub.is_dir() and _layout(sub))
    except OSError as exc:
        raise ModelError(f"{folder} cannot be read ({exc.strerror or exc}).") from exc
    named = [sub for sub in found if model_id and _plain(sub.name) == _plain(model_id)]
    if len(named) == 1 or len(found) == 1:
        return (named or found)[0]
    if found:
        raise ModelError(
            f"{folder} holds several models ({', '.join(sub.name for sub in found)}). "
            "Give the folder of the one to use."
        )
    return None


def _plain(name: str) -> str:
    """A model name with case and separators ironed out: 'ViT-B-32__laion2b-s34b-b79k' and
    'ViT-B-32/laion2b_s34b_b79k' are the same model."""
    return re.sub(r"[-_/]+", "-", name.lower())


def _from_manifest(root: Path, model_id: str | None) -> OnnxModelFiles:
    try:
        files = OnnxModelFiles.load(root)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"{root / MANIFEST} cannot be read ({exc}). Prepare or download the model again.") from exc
    if model_id and files.model_id != model_id:
        raise ModelError(f"{root} holds the {files.model_id} model, not {model_id}. Give the folder of {model_id}.")
    missing = files.missing()
    if missing:
        raise ModelError(f"{root} lacks {', '.join(missing)}, which its {MANIFEST} names.")
    return files


def _pad_id(folder: Path) -> int:
    """The id of ``tokenizer_config.json``'s pad token, looked up in ``tokenizer.json`` the way the
    ``tokenizers`` library does: the added (special) tokens first, then the model's vocabulary."""
    pad = _json_object(folder, "textual/tokenizer_config.json").get("pad_token")
    if isinstance(pad, dict):  # an AddedToken written out: {"content": "<|endoftext|>", ...}
        pad = pad.get("content")
    if not isinstance(pad, str) or not pad:
        raise _unreadable(folder, "textual/tokenizer_config.json", "names no pad_token")
    tokenizer = _json_object(folder, "textual/tokenizer.json")
    for token in tokenizer.get("added_tokens") or []:
        if isinstance(token, dict) and token.get("content") == pad and type(token.get("id")) is int:
            return token["id"]
    model = tokenizer.get("model")
    vocab = model.get("vocab") if isinstance(model, dict) else None
    if isinstance(vocab, dict) and type(vocab.get(pad)) is int:  # e.g. "!" (id 0), LAION's CLIP pad token
        return vocab[pad]
    raise _unreadable(folder, "textual/tokenizer.json", f"has no id for the pad token {pad!r}")


def _json_object(folder: Path, name: str) -> dict[str, Any]:
    path = folder / name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ModelError(f"{path} is missing. Download the model again.") from exc
    except (OSError, ValueError) as exc:  # JSON and UTF-8 errors are ValueErrors
        raise _unreadable(folder, name, f"cannot be read ({exc})") from exc
    if not isinstance(data, dict):
        raise _unreadable(folder, name, "is not a JSON object")
    return data


def _unreadable(folder: Path, name: str, what: str) -> ModelError:
    return ModelError(
        f"{folder / name} {what}, so photoclip cannot use this model. Download it again, or choose another model."
    )
