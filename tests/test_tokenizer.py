"""The ONNX engine's text tokenizer gives open_clip's token ids, without torch or open_clip."""

from __future__ import annotations

import gzip
import html
import json
import random
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from photoclip.core.models.onnx_files import TokenizerSpec
from photoclip.core.models.text_cleaning import clean_text, needs_ftfy
from photoclip.core.models.tokenizer import CLIP_WORD_PATTERN, bundled_vocabulary, load_tokenizer
from photoclip.core.paths import resources_dir

open_clip = pytest.importorskip("open_clip")

END = 49407
LONG_TEXT = " ".join(
    (
        "A golden retriever runs along the beach at sunset, chasing a red ball while waves roll in; "
        "two children build a sandcastle nearby and a fisherman casts his line from the old pier. "
    )
    * 7
).split()[:200]
LONG_TEXT = " ".join(LONG_TEXT)
CONTRACTIONS = "IT'S THEY'LL WE'VE I'M YOU'D WE'RE DON'T it'ſ"
COMBINING = "ᾳ \u0345 a\u0345b combining e\u0301 and n\u0303"

CORPUS = [
    "a photo of a cat",
    "The tokens are nice.",
    "  Hello   WORLD!! 123 ",
    "Is this 3.14 or 1,000,000? (maybe) -- 'quoted' \"double\" [x] {y} <z> @#$%^*_+=|\\/~`",
    "2024-06-01 12:30, 4K HDR, 50mm f/1.8, ISO 3200",
    "café crème in Zürich, piñata, naïve façade, Ærøskøbing, São Paulo",
    "it’s my dog’s ball — “quoted” ‘single’",
    "ﬁsh and ﬂowers in the ﬀ",
    "Ｃａｔ ｉｎ Ｔｏｋｙｏ １２３",
    "fish &amp; chips &lt;b&gt;bold&lt;/b&gt; &#39;x&#39; &amp;amp; &copy; 2024",
    "cafÃ© mojibake",
    "🙂 smiling 👍🏽 thumbs 👨‍👩‍👧‍👦 family 🏳️‍🌈 flag 🇯🇵",
    "東京の猫と犬",
    "한국어 텍스트",
    "кошка на диване",
    "قطة على الأريكة",
    "a\x00b\x07c\x1bd\x7fe \x1b[31mred\x1b[0m \x85 \u200b zero\u200bwidth",
    "a\tphoto\nof\r\na cat\x0bwith\x0ctabs\x1cand\x1fseparators\u2028\u3000",
    "<start_of_text>",
    "<end_of_text>",
    "a<start_of_text>b x:<end_of_text> (<end_of_text>) <START_OF_TEXT> <end_of_text><start_of_text>",
    "",
    "   \t\n  ",
    LONG_TEXT,
    CONTRACTIONS,
    COMBINING,
    "\ud83d\ude00 surrogate pair, lone \ud83d",
]
#: The corpus texts whose words name open_clip's own special tokens: an hf-json tokenizer has
#: other special tokens (``<|endoftext|>``), so it reads them as ordinary words.
NAMES_OPEN_CLIP_SPECIALS = {
    "<start_of_text>",
    "<end_of_text>",
    "a<start_of_text>b x:<end_of_text> (<end_of_text>) <START_OF_TEXT> <end_of_text><start_of_text>",
}
#: U+0345 and "'ſ" are where open_clip's case-insensitive pattern differs from the HF one.
HF_DIFFERENT_WORDS = {CONTRACTIONS, COMBINING}


def _tiny_context_length() -> int:
    config = json.loads((resources_dir() / "models" / "photoclip-tiny" / "open_clip_config.json").read_text())
    return config["model_cfg"]["text_cfg"]["context_length"]


@pytest.fixture(scope="module")
def reference():
    """open_clip's own tokenizer for a context length (and cleaning)."""

    def make(context_length: int, clean: str = "lower"):
        if clean == "lower":
            tokenizer = open_clip.get_tokenizer("ViT-B-32", context_length=context_length)
            assert type(tokenizer).__name__ == "SimpleTokenizer"
            return tokenizer
        return open_clip.tokenizer.SimpleTokenizer(context_length=context_length, clean=clean)

    return make


@pytest.mark.parametrize("context_length", [77, _tiny_context_length()])
def test_clip_bpe_ids_are_open_clips(reference, context_length):
    assert _tiny_context_length() == 32  # photoclip-tiny's text tower
    tokenizer = load_tokenizer(TokenizerSpec(context_length=context_length))
    ids = tokenizer(CORPUS)
    expected = reference(context_length)(CORPUS).numpy()
    assert ids.dtype == np.int64 and ids.shape == (len(CORPUS), context_length)
    np.testing.assert_array_equal(ids, expected)
    # The long text is cut with the end-of-text token kept last; short texts are padded with 0.
    assert ids[CORPUS.index(LONG_TEXT), -1] == END
    assert ids[0, 7:].tolist() == [0] * (context_length - 7)
    # One text at a time gives the same rows as the batch.
    for row, text in enumerate(CORPUS):
        np.testing.assert_array_equal(tokenizer([text]), ids[row : row + 1])


def test_words_are_split_where_open_clips_pattern_splits_them():
    from tokenizers import Regex, pre_tokenizers

    split = pre_tokenizers.Split(Regex(CLIP_WORD_PATTERN), behavior="removed", invert=True)
    theirs = open_clip.tokenizer.SimpleTokenizer().pat  # compiled with re.IGNORECASE
    # All of the alphabetic scripts' blocks, then every 7th code point; characters that Python's
    # own tables do not know (assigned after its Unicode version) are left out.
    points = [*range(0x3000), *range(0x3000, 0x110000, 7)]
    checked = 0
    for point in points:
        c = chr(point)
        if unicodedata.category(c) in ("Cn", "Cs"):
            continue
        text = f"a{c}a {c} !{c}! 1{c}1 '{c} {c}'s {c}{c} x'{c} '{c}e 'r{c} <{c}tart_of_text> <end_of_tex{c}>"
        ours = [text[start:end] for _, (start, end) in split.pre_tokenize_str(text)]
        assert ours == theirs.findall(text), f"U+{point:04X}"
        checked += 1
    assert checked > 40_000


@pytest.mark.parametrize("clean", ["whitespace", "canonicalize"])
def test_other_cleanings_match_open_clip(reference, clean):
    ids = load_tokenizer(TokenizerSpec(clean=clean))(CORPUS)
    np.testing.assert_array_equal(ids, reference(77, clean)(CORPUS).numpy())


@pytest.mark.parametrize("clean", ["lower", "whitespace", "canonicalize"])
def test_cleaning_is_open_clips(clean):
    theirs = open_clip.tokenizer.get_clean_fn(clean)
    for text in CORPUS:
        assert clean_text(text, clean) == theirs(text), text


def _ascii_samples() -> list[str]:
    printable = [chr(c) for c in range(32, 127)]
    rng = random.Random(20261129)
    samples = printable + [a + b for a in printable for b in printable]
    samples += ["".join(rng.choices(printable, k=rng.randint(3, 200))) for _ in range(3000)]
    samples += ["<b>bold</b> <br/> <!-- x -->", "\\u00e9 \\xe9 %C3%A9 =C3=A9", "Ã© is not ascii", "a&amp;b"]
    samples += ["\x1b[31mred\x1b[0m", "a\r\nb", "a\rb", "a\x00b", "x\x7f", "\x0bv"]  # ASCII that ftfy changes
    return samples + CORPUS


def test_ftfy_and_unescape_leave_alone_what_is_not_given_to_them():
    import ftfy

    skipped = [text for text in _ascii_samples() if not needs_ftfy(text)]
    assert len(skipped) > 9000  # printable ASCII without "&" is skipped
    for text in skipped:
        assert ftfy.fix_text(text) == text, repr(text)
        assert html.unescape(html.unescape(text)) == text, repr(text)
    for text in ["&amp;", "café", "a\tb", "\x1b[31m", "ﬁ", "it’s", "a\r\nb"]:
        assert needs_ftfy(text), repr(text)


def test_an_ascii_query_imports_neither_ftfy_nor_torch():
    probe = (
        "import sys, json\n"
        "from photoclip.core.models.onnx_files import TokenizerSpec\n"
        "from photoclip.core.models.tokenizer import load_tokenizer\n"
        "tokenizer = load_tokenizer(TokenizerSpec())\n"
        "ascii_ids = tokenizer(['a photo of a cat'])[0, :7].tolist()\n"
        "after_ascii = sorted(m for m in ('ftfy', 'torch', 'open_clip') if m in sys.modules)\n"
        "accented_ids = tokenizer(['Ｃａｔ'])[0, :3].tolist()\n"
        "print(json.dumps([ascii_ids, after_ascii, accented_ids, 'ftfy' in sys.modules, 'torch' in sys.modules]))\n"
    )
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=True)
    ascii_ids, after_ascii, accented_ids, ftfy_later, torch_later = json.loads(out.stdout.splitlines()[-1])
    assert ascii_ids == [49406, 320, 1125, 539, 320, 2368, END]
    assert after_ascii == []
    assert accented_ids == [49406, 2368, END] and ftfy_later and not torch_later


def _clip_converter_tokenizer_json(folder: Path) -> Path:
    """A tokenizer.json built the way transformers' CLIPConverter builds CLIPTokenizerFast's (the
    file Immich's CLIP repositories hold), from the same vocabulary."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import BPE

    lines = gzip.decompress(bundled_vocabulary().read_bytes()).decode("utf-8").split("\n")[1 : 49152 - 256 - 2 + 1]
    merges = [tuple(line.split()) for line in lines]
    byte_chars = list(open_clip.tokenizer.bytes_to_unicode().values())
    words = byte_chars + [c + "</w>" for c in byte_chars] + ["".join(m) for m in merges]
    words += ["<|startoftext|>", "<|endoftext|>"]
    vocab = {word: i for i, word in enumerate(words)}
    tokenizer = Tokenizer(
        BPE(
            vocab=vocab,
            merges=merges,
            dropout=None,
            continuing_subword_prefix="",
            end_of_word_suffix="</w>",
            fuse_unk=False,
            unk_token="<|endoftext|>",
        )
    )
    tokenizer.normalizer = normalizers.Sequence(
        [normalizers.NFC(), normalizers.Replace(Regex(r"\s+"), " "), normalizers.Lowercase()]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(
                Regex(r"""'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"""),
                behavior="removed",
                invert=True,
            ),
            pre_tokenizers.ByteLevel(add_prefix_space=False),
        ]
    )
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.post_processor = processors.RobertaProcessing(
        ("<|endoftext|>", END), ("<|startoftext|>", 49406), add_prefix_space=False, trim_offsets=False
    )
    tokenizer.add_special_tokens(
        [AddedToken("<|startoftext|>", special=True), AddedToken("<|endoftext|>", special=True)]
    )
    path = folder / "textual" / "tokenizer.json"
    path.parent.mkdir(parents=True)
    tokenizer.save(str(path))
    return path


@pytest.mark.parametrize("context_length", [77, 32])
def test_hf_json_ids_are_open_clips_padded_with_end_of_text(tmp_path, reference, context_length):
    _clip_converter_tokenizer_json(tmp_path)
    spec = TokenizerSpec(kind="hf-json", path="textual/tokenizer.json", context_length=context_length, pad_id=END)
    texts = [text for text in CORPUS if text not in NAMES_OPEN_CLIP_SPECIALS | HF_DIFFERENT_WORDS]
    ids = load_tokenizer(spec, tmp_path)(texts)
    expected = reference(context_length)(texts).numpy()
    for row in expected:  # open_clip pads with 0; Immich pads with the end-of-text token
        row[int(np.argmax(row == END)) + 1 :] = END
    assert ids.dtype == np.int64
    np.testing.assert_array_equal(ids, expected)
    assert ids[texts.index(LONG_TEXT), -1] == END


def test_a_vocabulary_in_the_model_folder_is_used(tmp_path):
    shutil.copy(bundled_vocabulary(), tmp_path / "vocab.txt.gz")
    spec = TokenizerSpec(path="vocab.txt.gz", context_length=16)
    ids = load_tokenizer(spec, tmp_path)(["a photo of a cat"])
    np.testing.assert_array_equal(ids, load_tokenizer(TokenizerSpec(context_length=16))(["a photo of a cat"]))
    assert ids[0, :7].tolist() == [49406, 320, 1125, 539, 320, 2368, END]


def test_bad_specs_and_files_get_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="kind"):
        load_tokenizer(TokenizerSpec(kind="sentencepiece"))
    with pytest.raises(ValueError, match="cleaning"):
        load_tokenizer(TokenizerSpec(clean="upper"))
    with pytest.raises(ValueError, match="context length"):
        load_tokenizer(TokenizerSpec(context_length=1))
    with pytest.raises(ValueError, match=r"tokenizer\.json"):
        load_tokenizer(TokenizerSpec(kind="hf-json"))
    with pytest.raises(FileNotFoundError):
        load_tokenizer(TokenizerSpec(path="missing.txt.gz"), tmp_path)
    (tmp_path / "page.txt.gz").write_bytes(b"<html>Not Found</html>")
    with pytest.raises(ValueError, match=r"page\.txt\.gz"):
        load_tokenizer(TokenizerSpec(path="page.txt.gz"), tmp_path)
    (tmp_path / "short.txt.gz").write_bytes(gzip.compress(b"#version: 0.2\ni n\nt h\n"))
    with pytest.raises(ValueError, match="merges"):
        load_tokenizer(TokenizerSpec(path="short.txt.gz"), tmp_path)
    (tmp_path / "tokenizer.json").write_text('{"version": "1.0", "model": 3}')
    with pytest.raises(ValueError, match=r"tokenizer\.json"):
        load_tokenizer(TokenizerSpec(kind="hf-json", path="tokenizer.json"), tmp_path)


def test_texts_must_be_strings_and_a_lone_string_is_one_text():
    tokenizer = load_tokenizer(TokenizerSpec())
    assert tokenizer("a cat").shape == (1, 77)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="strings"):
        tokenizer(["a cat", None])  # type: ignore[list-item]
