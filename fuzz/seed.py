#!/usr/bin/env python3
"""Write the fuzz targets' seed corpora (fuzz/seeds/TARGET/) from the project's own data:
sentence cases (data/cases, written in our own words), the synthetic held-out documents and
HTML pages under data/holdout*/raw, and hostile shapes. Run from the repository root; the
seeds are committed, `just fuzz` copies them into the working corpora (fuzz/corpus/, ignored)."""
import glob, hashlib, json, os

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = os.path.join(root, "fuzz", "seeds")

def put(target, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)

cases = [json.loads(l) for l in open(os.path.join(root, "data/cases/sentences.jsonl")) if l.strip()]
for c in cases[::6]:
    put("number", c["text"])
    put("document", b"\x00" + c["text"].encode())
    put("jsonl", json.dumps({"id": c["id"], "text": c["text"], "published": "2019-01-02"}, ensure_ascii=False))
for tok in ["2.003.300", "971,8", "73.0000", "1.0450", "17,045", "1,2,3", "0,77", "9" * 400, "１２３.４５６", "٣٤٥"]:
    put("number", tok)
for p in sorted(glob.glob(os.path.join(root, "data/holdout*/raw/*.html")))[:3]:
    html = open(p, "rb").read()[:40000]
    put("html", html)
    put("document", b"\x01" + html)
    put("jsonl", json.dumps({"id": "h", "html": html.decode("utf-8", "replace"), "url": "https://baoyenbai.com.vn/x"}, ensure_ascii=False))
for p in sorted(glob.glob(os.path.join(root, "data/holdout*/raw/*.txt")))[:6]:
    put("decode", open(p, "rb").read()[:4000])
put("decode", "Năm 2018, thuê bao đạt 2.890.000 thuê bao trên địa bàn tỉnh Thanh Hóa.".encode("cp1258", "replace"))
put("decode", b"\xef\xbb\xbf" + "Viễn thông Quảng Ninh".encode())
put("decode", "Hế".encode()[:-1])
put("html", "<title>İİ K</title><BODY>" + "<div>" * 500 + "Sở Thông tin</div>")
put("jsonl", '{"id": "", "text": "x"}')
put("jsonl", '{"id": 12, "html": "<p>&#x1F600;&amp;&#99999999;</p>"}')
