"""Names `vulture` reports as unused that are used (read by a library, a framework or through a cache key).

Each line names why. Code that is really dead is removed, not listed here; the last group lists candidates
in modules other work streams are rewriting (remove them there).
"""

# ruff: noqa
_ = object()

# the bounded worker runs the checks by module name (kb/ingest/worker.py imports kb.service.bounded dynamically)
_.run_checks

# google-re2 reads the memory budget from its Options object (nlp/rx.py)
_.max_mem

# faiss reads the clustering parameters of an IVF index's training (nlp/similarity/knn.py)
_.niter

# fontTools reads these attributes of the subsetter options and table objects (kb/export.py)
_.layout_features
_.name_IDs
_.notdef_outline
_.desubroutinize
_.drop_tables
_.glyphOrder
_.glyphDataFormat
_.tableVersion
_.numGlyphs
_.maxZones
_.formatType
_.extraNames
_.sfntVersion
# fpdf2 calls FPDF.footer on every page (kb/service/reports.py)
_.footer
# SQLAlchemy reads isolation_level; _begin is an event listener registered by decorator (kb/storage.py)
_.isolation_level
_begin
# python-docx core properties written to the demo files (tools/build_demo_corpus.py)
_.author
_.last_modified_by
_.modified
_.revision
_.creator
# fields of the demo generator's Company record, filled into the TOML templates by name (tools/build_demo_corpus.py)
biz
staff
rd
# sys.setprofile callbacks take (frame, event, arg) (tests/test_structure.py)
arg
# selenium reads binary_location (tests/test_browser_e2e.py)
_.binary_location
# spaCy's Chinese tokenizer calls .jieba_seg; jieba's TF-IDF extractor calls .postokenizer (nlp/text/words.py)
_.jieba_seg
_.postokenizer
# part of the lru_cache key: a changed file is read again (nlp/checks/base.py)
mtime_ns
# dataclass field of SupervisedReport, read through asdict (nlp/classify)
n_classes
# error catalogue: code KB031 is reserved for the access checks (kb/errors.py)
PermissionDeniedError
# set for the admin page's report of the supervised layer (kb/service/core.py)
_.supervised_report

# Candidates for removal in modules other work streams own (kb/ingest, kb/service, kb/storage): unused today.
read_pdf
read_text_file
_.coverage_charts
_.update_metadata
_.iter_texts
