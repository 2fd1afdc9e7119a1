package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

// htmxAsset is where the build puts htmx (gitignored; optional).
const htmxAsset = "vendor/htmx.min.js"

// asset is one embedded static file, hashed and pre-compressed at start-up.
type asset struct {
	data  []byte
	gz    []byte // nil when compression does not pay
	hash  string
	ctype string
}

// assets are served at /static/<hash>/<name>: the hash changes with the
// content, so browsers may cache each URL forever.
type assets struct {
	files map[string]*asset
}

func loadAssets(fsys fs.FS) (*assets, error) {
	a := &assets{files: map[string]*asset{}}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || strings.HasPrefix(path.Base(name), ".") {
			return nil
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		f := &asset{data: data, hash: hex.EncodeToString(sum[:6]), ctype: mime.TypeByExtension(path.Ext(name))}
		if f.ctype == "" {
			f.ctype = "application/octet-stream"
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(data)
		zw.Close()
		if buf.Len() < len(data)*9/10 {
			f.gz = buf.Bytes()
		}
		a.files[name] = f
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: load assets: %w", err)
	}
	for _, need := range []string{"app.js", "app.css"} {
		if !a.has(need) {
			return nil, fmt.Errorf("web: asset %s missing from the build", need)
		}
	}
	return a, nil
}

func (a *assets) has(name string) bool { return a.files[name] != nil }

// url returns the content-hashed URL of an asset.
func (a *assets) url(name string) (string, error) {
	f := a.files[name]
	if f == nil {
		return "", fmt.Errorf("no asset %q", name)
	}
	return "/static/" + f.hash + "/" + name, nil
}

// showStatic serves an embedded asset. A stale hash (a page from another
// version, e.g. during a rolling deploy) still gets the file, but uncached.
func (h *Handler) showStatic(w http.ResponseWriter, r *http.Request) {
	f := h.assets.files[r.PathValue("file")]
	if f == nil {
		http.NotFound(w, r)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", f.ctype)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Vary", "Accept-Encoding")
	etag := `"` + f.hash + `"`
	hd.Set("ETag", etag)
	if r.PathValue("hash") == f.hash {
		hd.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		hd.Set("Cache-Control", "no-cache")
	}
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := f.data
	if f.gz != nil && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		hd.Set("Content-Encoding", "gzip")
		body = f.gz
	}
	hd.Set("Content-Length", fmt.Sprint(len(body)))
	if r.Method == http.MethodHead {
		return
	}
	w.Write(body)
}
