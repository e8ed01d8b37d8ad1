"""Text to token ids for the ONNX engine, with neither torch nor open_clip.

Two kinds of tokenizer, named by :class:`~photoclip.core.models.onnx_files.TokenizerSpec`:

``clip-bpe``
    open_clip's ``SimpleTokenizer``, id for id: CLIP's byte-pair vocabulary (a ``.txt.gz``) run by
    Hugging Face ``tokenizers`` (Rust), behind open_clip's own text cleaning and word-splitting
    pattern. ``[start] + ids + [end]``, cut to the context length with the end kept last, padded
    with ``pad_id`` (0, as open_clip).
``hf-json``
    A Hugging Face ``tokenizer.json`` (Immich's model repositories ship CLIP's and SigLIP's), run
    after open_clip's cleaning, truncated by the file's own rules to the context length and padded
    with ``pad_id``.

Building the ``clip-bpe`` tokenizer from the gzip takes less time than loading the same tokenizer
from a saved ``tokenizer.json`` (the JSON is 3.6 MB; see benchmarks/tokenizer_load.py), so nothing
is cached on disk; a process keeps each tokenizer it has built.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from photoclip.core.models.onnx_files import TokenizerSpec
from photoclip.core.models.text_cleaning import cleaner

if TYPE_CHECKING:
    from tokenizers import Tokenizer

#: open_clip's special tokens; typed literally (after cleaning) they become these ids too.
START_OF_TEXT = "<start_of_text>"
END_OF_TEXT = "<end_of_text>"
#: How many merges of the vocabulary file open_clip uses: 49152 ids - 256 bytes - 2 specials.
CLIP_MERGES = 49152 - 256 - 2
#: open_clip's word pattern, in Oniguruma's dialect. open_clip compiles it with ``re.IGNORECASE``:
#: for its literal words that makes "'S" (under the "whitespace" cleaning) and "'ſ" contractions,
#: hence ``(?i:``; for its character classes it changes one thing, which the last class spells
#: out: U+0345 (a combining mark that folds to a letter) belongs to no class, so it parts words.
#: Checked over all of Unicode, the pieces are then open_clip's except for characters that
#: Python 3.11's and Oniguruma's tables leave unassigned (added after Unicode 14), which the
#: ``regex`` module's newer tables may class as letters.
CLIP_WORD_PATTERN = (
    r"(?i:<start_of_text>|<end_of_text>|'s|'t|'re|'ve|'m|'ll|'d)|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}\x{345}]+"
)


class TextTokenizer(Protocol):
    """Turns texts into the int64 token ids a text graph takes."""

    context_length: int

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        """Token ids, int64 ``[len(texts), context_length]``."""
        ...


def bundled_vocabulary() -> Path:
    """photoclip's copy of CLIP's BPE vocabulary (the file open_clip ships)."""
    from photoclip.core.paths import resources_dir

    return resources_dir() / "tokenizer" / "bpe_simple_vocab_16e6.txt.gz"


def load_tokenizer(spec: TokenizerSpec, folder: Path | None = None) -> TextTokenizer:
    """The tokenizer ``spec`` describes; ``spec.path`` is relative to ``folder``.

    Raises ValueError for a spec or a file that cannot work (unknown kind or cleaning, a context
    shorter than 2, a file that is not a vocabulary or tokenizer.json) and OSError for a file
    that cannot be read.
    """
    if spec.context_length < 2:
        raise ValueError(f"a tokenizer needs a context length of at least 2, not {spec.context_length}")
    cleaner(spec.clean)  # fail now, not at the first query
    path = Path(folder) / spec.path if folder is not None and spec.path else Path(spec.path)
    if spec.kind == "clip-bpe":
        return ClipBpeTokenizer(path if spec.path else bundled_vocabulary(), spec)
    if spec.kind == "hf-json":
        if not spec.path:
            raise ValueError("an hf-json tokenizer needs the path of its tokenizer.json")
        return HfJsonTokenizer(path, spec)
    raise ValueError(f"unknown tokenizer kind {spec.kind!r}: expected 'clip-bpe' or 'hf-json'")


def _as_text_list(texts: Sequence[str]) -> list[str]:
    """The texts as a list; a lone string is one text (as open_clip takes it), not its characters."""
    if isinstance(texts, str):
        return [texts]
    items = list(texts)
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"texts to tokenise must be strings, not {type(item).__name__}")
    return items


class ClipBpeTokenizer:
    """open_clip's ``SimpleTokenizer`` on Hugging Face ``tokenizers``: the same ids, without torch."""

    def __init__(self, vocabulary: Path, spec: TokenizerSpec | None = None) -> None:
        """Builds the tokenizer from a BPE vocabulary ``.txt.gz`` (once per process and file)."""
        spec = spec or TokenizerSpec()
        self.context_length = spec.context_length
        self.pad_id = spec.pad_id
        self._clean = cleaner(spec.clean)
        vocabulary = Path(vocabulary)
        stat = vocabulary.stat()
        self._tokenizer, self._special_ids = _built_clip_bpe(str(vocabulary.resolve()), stat.st_size, stat.st_mtime_ns)
        self.start_id = self._special_ids[START_OF_TEXT]
        self.end_id = self._special_ids[END_OF_TEXT]

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        """Token ids, int64 ``[len(texts), context_length]``, exactly as open_clip's tokenizer gives."""
        items = _as_text_list(texts)
        result = np.full((len(items), self.context_length), self.pad_id, dtype=np.int64)
        for row, text in enumerate(items):
            ids = self.encode(text)[: self.context_length - 2]
            result[row, : len(ids) + 2] = [self.start_id, *ids, self.end_id]
        return result

    def encode(self, text: str) -> list[int]:
        """The ids of ``text`` after cleaning, without the start and end tokens and uncut."""
        text = self._clean(text)
        if START_OF_TEXT not in text and END_OF_TEXT not in text:
            return self._tokenizer.encode(text, add_special_tokens=False).ids
        # Rare: the text names a special token. open_clip maps the word to its id only where its
        # pattern finds it as a word (not after punctuation, as in "x:<end_of_text>"), so this
        # goes word by word rather than letting ``tokenizers`` match special tokens anywhere.
        ids: list[int] = []
        for word, _ in self._tokenizer.pre_tokenizer.pre_tokenize_str(text):
            special = self._special_ids.get(word)
            if special is not None:
                ids.append(special)
            else:
                ids.extend(token.id for token in self._tokenizer.model.tokenize(word))
        return ids


class HfJsonTokenizer:
    """A Hugging Face ``tokenizer.json`` behind open_clip's cleaning, padded to a fixed length."""

    def __init__(self, path: Path, spec: TokenizerSpec) -> None:
        """Loads ``path``; ValueError when it is not a tokenizer.json ``tokenizers`` can read."""
        from tokenizers import Tokenizer

        self.context_length = spec.context_length
        self.pad_id = spec.pad_id
        self._clean = cleaner(spec.clean)
        try:
            tokenizer = Tokenizer.from_str(Path(path).read_text(encoding="utf-8"))
        except UnicodeDecodeError as error:
            raise ValueError(f"{path} is not a tokenizer.json: {error}") from None
        except OSError:
            raise
        except Exception as error:  # tokenizers raises a bare Exception for a file it cannot parse
            raise ValueError(f"{path} is not a tokenizer.json: {error}") from None
        # The file's own padding and truncation (if any) give way to the model's context length,
        # as Immich sets them; truncation keeps room for what the post-processor adds.
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=spec.context_length)
        self._tokenizer = tokenizer

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        """Token ids, int64 ``[len(texts), context_length]``, padded with ``pad_id``."""
        items = _as_text_list(texts)
        result = np.full((len(items), self.context_length), self.pad_id, dtype=np.int64)
        for row, text in enumerate(items):
            ids = self._tokenizer.encode(self._clean(text)).ids[: self.context_length]
            result[row, : len(ids)] = ids
        return result


# -- building the Rust BPE from CLIP's vocabulary file -----------------------------------------
def _byte_characters() -> list[str]:
    """open_clip's ``bytes_to_unicode`` values in its order: printable bytes as themselves, then
    the other 68 bytes as the characters from U+0100 on."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    return [chr(byte) for byte in printable] + [chr(256 + n) for n in range(256 - len(printable))]


def read_clip_merges(path: Path) -> list[tuple[str, str]]:
    """The merges open_clip reads from a BPE vocabulary ``.txt.gz``: lines 2 to 48895.

    Only as much of the file is decompressed as those lines need (a quarter of it). ValueError
    when the file is not gzip or does not hold that many lines of two symbols.
    """
    data = Path(path).read_bytes()
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # gzip framing
    text = bytearray()
    try:
        for start in range(0, len(data), 1 << 15):
            text += inflater.decompress(data[start : start + (1 << 15)])
            if text.count(b"\n") > CLIP_MERGES:
                break
    except zlib.error as error:
        raise ValueError(f"{path} is not a gzipped BPE vocabulary: {error}") from None
    lines = text.split(b"\n", CLIP_MERGES + 1)[1 : CLIP_MERGES + 1]  # after the header line
    try:
        words = b" ".join(lines).decode("utf-8").split(" ")
    except UnicodeDecodeError as error:
        raise ValueError(f"{path} is not a BPE vocabulary: {error}") from None
    if len(lines) < CLIP_MERGES or len(words) != 2 * CLIP_MERGES or "" in words:
        raise ValueError(f"{path} is not CLIP's BPE vocabulary: expected {CLIP_MERGES} merges of two symbols")
    return list(zip(words[0::2], words[1::2], strict=True))


@lru_cache(maxsize=4)
def _built_clip_bpe(path: str, size: int, mtime_ns: int) -> tuple[Tokenizer, dict[str, int]]:
    """The Rust tokenizer for a vocabulary file and its special ids (keyed by the file's stat)."""
    from tokenizers import Regex, Tokenizer, models, pre_tokenizers

    del size, mtime_ns  # only part of the cache key
    merges = read_clip_merges(Path(path))
    characters = _byte_characters()
    words = characters + [c + "</w>" for c in characters] + [a + b for a, b in merges]
    words += [START_OF_TEXT, END_OF_TEXT]
    vocab = dict(zip(words, range(len(words)), strict=True))  # as open_clip: a later duplicate wins
    tokenizer = Tokenizer(models.BPE(vocab=vocab, merges=merges, end_of_word_suffix="</w>"))
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(CLIP_WORD_PATTERN), behavior="removed", invert=True),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ]
    )
    return tokenizer, {START_OF_TEXT: vocab[START_OF_TEXT], END_OF_TEXT: vocab[END_OF_TEXT]}
