"""rclip's and Immich's model repositories as the stand-in hub serves them.

The graphs are dummy bytes (the ONNX engine is tested elsewhere), several MB so that a transfer
spans many chunks. The JSON files carry the keys the real ones do: ``config.json`` is open_clip's
model config (``open_clip/model_configs/ViT-B-32.json``), ``preprocess_cfg.json`` open_clip's
``PreprocessCfg``, ``tokenizer_config.json`` what ``CLIPTokenizerFast.save_pretrained`` writes
for openai/clip-vit-base-patch32, and ``tokenizer.json`` that tokenizer's structure (normalizer,
pre-tokenizer, BPE model with ``</w>``, RoBERTa post-processor) over a trimmed vocabulary that
keeps CLIP's ids for the byte alphabet and the two special tokens.
"""

from __future__ import annotations

import json
import os

from hub_server import FakeHub, HubFile

RCLIP_REPO = "yurijmikhalevich/rclip-models"
RCLIP_FOLDER = "ViT-B-32-256-datacomp_s34b_b86k"
IMMICH_REPO = "immich-app/ViT-B-32__laion2b-s34b-b79k"

OPENAI_MEAN = [0.48145466, 0.4578275, 0.40821073]
OPENAI_STD = [0.26862954, 0.26130258, 0.27577711]

VIT_B_32_CONFIG = {
    "embed_dim": 512,
    "vision_cfg": {"image_size": 224, "layers": 12, "width": 768, "patch_size": 32},
    "text_cfg": {"context_length": 77, "vocab_size": 49408, "width": 512, "heads": 8, "layers": 12},
}
#: open_clip's ViT-B-16-SigLIP.json: another context length, canonicalising text cleaning.
SIGLIP_CONFIG = {
    "embed_dim": 768,
    "init_logit_bias": -10,
    "custom_text": True,
    "vision_cfg": {
        "image_size": 224,
        "timm_model_name": "vit_base_patch16_siglip_224",
        "timm_model_pretrained": False,
        "timm_pool": "map",
        "timm_proj": "none",
    },
    "text_cfg": {
        "context_length": 64,
        "vocab_size": 32000,
        "hf_tokenizer_name": "timm/ViT-B-16-SigLIP",
        "tokenizer_kwargs": {"clean": "canonicalize"},
        "width": 768,
        "heads": 12,
        "layers": 12,
        "no_causal_mask": True,
        "proj_bias": True,
        "pool_type": "last",
        "norm_kwargs": {"eps": 1e-6},
    },
}
PREPROCESS_CFG = {
    "size": [224, 224],
    "mode": "RGB",
    "mean": OPENAI_MEAN,
    "std": OPENAI_STD,
    "interpolation": "bicubic",
    "resize_mode": "shortest",
    "fill_color": 0,
}


def _special(content: str) -> dict:
    return {"content": content, "lstrip": False, "normalized": True, "rstrip": False, "single_word": False}


TOKENIZER_CONFIG = {
    "add_prefix_space": False,
    "added_tokens_decoder": {
        "49406": {**_special("<|startoftext|>"), "special": True},
        "49407": {**_special("<|endoftext|>"), "special": True},
    },
    "bos_token": "<|startoftext|>",
    "clean_up_tokenization_spaces": True,
    "do_lower_case": True,
    "eos_token": "<|endoftext|>",
    "errors": "replace",
    "model_max_length": 77,
    "pad_token": "<|endoftext|>",
    "tokenizer_class": "CLIPTokenizer",
    "unk_token": "<|endoftext|>",
}


def _byte_alphabet() -> list[str]:
    """GPT-2's bytes_to_unicode characters in CLIP's order (its vocabulary ids 0-255)."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1))
    printable += list(range(ord("®"), ord("ÿ") + 1))
    codes = printable[:]
    extra = 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            codes.append(256 + extra)
            extra += 1
    return [chr(code) for code in codes]


def tokenizer_json() -> dict:
    """CLIPTokenizerFast's tokenizer.json, its vocabulary trimmed to the bytes and one word."""
    alphabet = _byte_alphabet()
    vocab = {char: index for index, char in enumerate(alphabet)}
    vocab.update({char + "</w>": 256 + index for index, char in enumerate(alphabet)})
    merges = ["c a", "ca t</w>"]
    vocab.update({"ca": 512, "cat</w>": 513, "<|startoftext|>": 49406, "<|endoftext|>": 49407})
    pattern = r"""'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"""
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {"id": 49406, **_special("<|startoftext|>"), "special": True},
            {"id": 49407, **_special("<|endoftext|>"), "special": True},
        ],
        "normalizer": {
            "type": "Sequence",
            "normalizers": [
                {"type": "NFC"},
                {"type": "Replace", "pattern": {"Regex": r"\s+"}, "content": " "},
                {"type": "Lowercase"},
            ],
        },
        "pre_tokenizer": {
            "type": "Sequence",
            "pretokenizers": [
                {"type": "Split", "pattern": {"Regex": pattern}, "behavior": "Removed", "invert": True},
                {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
            ],
        },
        "post_processor": {
            "type": "RobertaProcessing",
            "sep": ["<|endoftext|>", 49407],
            "cls": ["<|startoftext|>", 49406],
            "trim_offsets": False,
            "add_prefix_space": False,
        },
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": "<|endoftext|>",
            "continuing_subword_prefix": "",
            "end_of_word_suffix": "</w>",
            "fuse_unk": False,
            "byte_fallback": False,
            "vocab": vocab,
            "merges": merges,
        },
    }


def as_json(data: dict) -> bytes:
    """The bytes of a JSON file as the exporters write them."""
    return json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8")


def graph(size: int) -> bytes:
    """Stand-in bytes for an ONNX graph (the fetch code never parses them)."""
    return os.urandom(size)


def serve_rclip(hub: FakeHub, visual: bytes, textual: bytes) -> None:
    """rclip's repository: the two graphs in the model's sub-folder."""
    hub.files[f"{RCLIP_REPO}/{RCLIP_FOLDER}/visual.onnx"] = HubFile(visual)
    hub.files[f"{RCLIP_REPO}/{RCLIP_FOLDER}/textual.onnx"] = HubFile(textual)


def immich_repo(
    visual: bytes, textual: bytes, *, config: dict | None = None, tokenizer_config: dict | None = None
) -> dict[str, bytes]:
    """An Immich model repository's files by path."""
    return {
        "config.json": as_json(config or VIT_B_32_CONFIG),
        "visual/model.onnx": visual,
        "visual/preprocess_cfg.json": as_json(PREPROCESS_CFG),
        "textual/model.onnx": textual,
        "textual/tokenizer.json": as_json(tokenizer_json()),
        "textual/tokenizer_config.json": as_json(tokenizer_config or TOKENIZER_CONFIG),
    }


def serve_immich(hub: FakeHub, files: dict[str, bytes]) -> None:
    """Serves an Immich repository: the graphs through LFS, the JSON files from git itself."""
    for path, data in files.items():
        hub.files[f"{IMMICH_REPO}/{path}"] = HubFile(data, lfs=path.endswith(".onnx"))
