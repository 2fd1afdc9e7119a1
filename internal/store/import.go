package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/secret"
)

// History import (heed import) writes conversations and messages straight
// into their tables, bypassing the live pipeline: no analysis, no routing, no
// SLA clocks. It is idempotent on (channel type and name), (channel, thread
// id) and (channel, message external id).

// ImportedSettings marks a channel created by an import: it has no connection
// and sends nothing.
const ImportedSettings = `{"imported":true}`

// ImportMessage is one message of an imported thread.
type ImportMessage struct {
	ExternalID string
	Inbound    bool // from the customer; else a reply of the brand
	Text       string
	Public     bool
	Holding    bool  // an acknowledgement that does not answer
	CreatedAt  int64 // unix ms
}

// ImportAuthor is the customer of an imported thread (its first inbound
// message's author).
type ImportAuthor struct {
	ID, Handle, Name string
}

// ImportThread is one conversation to import.
type ImportThread struct {
	ChannelType string
	Account     string // the channel's name
	ThreadID    string
	Public      bool
	Customer    ImportAuthor
	Messages    []ImportMessage // any order; at least one inbound
}

// ImportOutcome says what importing one thread did.
type ImportOutcome int

const (
	ImportCreated   ImportOutcome = iota // a new conversation
	ImportUpdated                        // new messages added to a stored conversation
	ImportUnchanged                      // everything was already stored
	ImportSkipped                        // nothing stored; see ImportResult.Skip
)

// Reasons ImportBatch skips a thread.
const (
	ImportSkipNoInbound   = "no inbound message"
	ImportSkipOtherThread = "inbound messages already imported in another thread"
)

// ImportResult is the outcome of one thread.
type ImportResult struct {
	Outcome  ImportOutcome
	Messages int    // messages inserted
	Skip     string // why the thread was skipped
}

// ImportTimeline is what a conversation's messages say about it. Times are
// unix ms; a nil pointer is "never".
type ImportTimeline struct {
	CreatedAt       int64 // the first inbound message
	LastMessageAt   int64
	AcknowledgedAt  *int64 // first reply of any kind at or after CreatedAt
	FirstResponseAt *int64 // first substantive (not holding) reply at or after CreatedAt
	ResolvedAt      *int64 // the last message, when it is a substantive reply
	Status          string
	Preview         string
}

// ComputeImportTimeline derives a conversation's timeline from its messages:
//
//   - it starts at its first inbound message (replies before that, on threads
//     the brand started, are kept but never count as a response);
//   - acknowledged at the first reply of any kind at or after the start, first
//     response at the first substantive (non-holding) reply at or after it;
//   - resolved at the last message when that is a substantive reply (the
//     brand had the last word); otherwise acknowledged when replied to, else
//     new.
//
// Messages with the same time keep their given order. ok is false when there
// is no inbound message.
func ComputeImportTimeline(msgs []ImportMessage) (tl ImportTimeline, ok bool) {
	sorted := slices.Clone(msgs)
	slices.SortStableFunc(sorted, func(a, b ImportMessage) int { return cmpInt64(a.CreatedAt, b.CreatedAt) })
	first := slices.IndexFunc(sorted, func(m ImportMessage) bool { return m.Inbound })
	if first < 0 {
		return tl, false
	}
	tl.CreatedAt = sorted[first].CreatedAt
	last := sorted[len(sorted)-1]
	tl.LastMessageAt = last.CreatedAt
	for _, m := range sorted {
		if m.Inbound || m.CreatedAt < tl.CreatedAt {
			continue
		}
		at := m.CreatedAt
		if tl.AcknowledgedAt == nil {
			tl.AcknowledgedAt = &at
		}
		if !m.Holding && tl.FirstResponseAt == nil {
			tl.FirstResponseAt = &at
		}
	}
	switch {
	case !last.Inbound && !last.Holding:
		at := last.CreatedAt
		tl.ResolvedAt = &at
		tl.Status = model.StatusResolved
	case tl.AcknowledgedAt != nil:
		tl.Status = model.StatusAcknowledged
	default:
		tl.Status = model.StatusNew
	}
	tl.Preview = previewText(last.Text)
	return tl, true
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func previewText(s string) string {
	const max = 140
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-1]) + "…"
}

// secondsSince is the whole seconds from start to *at, like the live
// pipeline's *_seconds columns.
func secondsSince(start int64, at *int64) any {
	if at == nil {
		return nil
	}
	return (*at - start) / 1000
}

func nullMs(at *int64) any {
	if at == nil {
		return nil
	}
	return *at
}

// ImportCache remembers channels and customers across the batches of one
// import run. It is only valid while every batch commits: after an error,
// drop it with the import.
type ImportCache struct {
	channels   map[[2]string]string
	identities map[[2]string]importIdentity
	// Rows this run inserted into identities and conversations, and the
	// count at which PostgreSQL's statistics are refreshed next.
	inserted, nextAnalyze int
}

type importIdentity struct{ id, customerID string }

// maxCachedIdentities bounds the customer cache; past it the cache starts over.
const maxCachedIdentities = 500_000

// firstAnalyze is how many imported rows make the first statistics refresh.
const firstAnalyze = 5000

// NewImportCache returns an empty cache.
func NewImportCache() *ImportCache {
	return &ImportCache{channels: map[[2]string]string{}, identities: map[[2]string]importIdentity{}, nextAnalyze: firstAnalyze}
}

const (
	// importChunkParams bounds the parameters of one multi-row statement,
	// under SQLite's 32766 and PostgreSQL's 65535.
	importChunkParams = 30000

	qFindChannel   = `SELECT id FROM channels WHERE workspace_id = ? AND type = ? AND name = ? ORDER BY created_at, id LIMIT 1`
	qInsertChannel = `INSERT INTO channels (id, workspace_id, type, name, secret, settings, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`
	qUpdateConv    = `UPDATE conversations SET status = ?, preview = ?, created_at = ?, last_message_at = ?,
		first_response_at = ?, first_response_seconds = ?, acknowledged_at = ?, acknowledged_seconds = ?, resolved_at = ?, resolution_seconds = ?,
		waiting_since = NULL WHERE id = ?`
	qListMsgs = `SELECT direction, text, holding, created_at FROM messages WHERE conversation_id = ? AND direction <> 'note' ORDER BY created_at, id`
)

// ImportBatch imports threads into a workspace in one transaction and
// returns one result per thread. Channels (by type and name) and customers
// (by network = channel type and author id) are created as needed; stored
// conversations and messages are never duplicated. New messages on a stored
// conversation make its timeline be computed again from all its messages.
//
// Rows go in with multi-row INSERTs (… ON CONFLICT DO NOTHING RETURNING), a
// handful of statements per batch rather than several per thread: on
// PostgreSQL the import is otherwise bound by round trips.
func (s *Store) ImportBatch(ctx context.Context, workspaceID string, threads []ImportThread, cache *ImportCache) ([]ImportResult, error) {
	out := make([]ImportResult, len(threads))
	if err := s.WithTx(ctx, func(tx *Store) error { return tx.importBatch(ctx, workspaceID, threads, cache, out) }); err != nil {
		return out, err
	}
	return out, s.importAnalyze(ctx, cache)
}

// importAnalyze refreshes PostgreSQL's statistics of the tables the import
// looks rows up in, each time the run has grown them by half again. On a
// fresh database autovacuum has not seen the rows yet, so the planner still
// believes the tables empty and the batched lookups (external_id IN …) scan
// them whole: 100k threads took 39 s instead of a few. Messages are analysed
// too, for the reports that read them after an import. SQLite's planner uses
// the unique indexes without statistics.
func (s *Store) importAnalyze(ctx context.Context, cache *ImportCache) error {
	if s.db.Engine != db.Postgres || cache.inserted < cache.nextAnalyze {
		return nil
	}
	cache.nextAnalyze = cache.inserted * 3 / 2
	_, err := s.exec(ctx, `ANALYZE identities, conversations, messages`)
	return s.mapErr("import analyze", err)
}

// importConv is one thread on its way in.
type importConv struct {
	t        *ImportThread
	res      *ImportResult
	tl       ImportTimeline
	chID     string
	ident    importIdentity
	id       string // conversation id: ours if created, else the stored one
	created  bool
	inserted int
}

func (s *Store) importBatch(ctx context.Context, workspaceID string, threads []ImportThread, cache *ImportCache, out []ImportResult) error {
	var convs []*importConv
	for i := range threads {
		t := &threads[i]
		tl, ok := ComputeImportTimeline(t.Messages)
		if !ok {
			out[i] = ImportResult{Outcome: ImportSkipped, Skip: ImportSkipNoInbound}
			continue
		}
		chID, err := s.importChannel(ctx, workspaceID, t.ChannelType, t.Account, cache)
		if err != nil {
			return err
		}
		convs = append(convs, &importConv{t: t, res: &out[i], tl: tl, chID: chID, id: NewID()})
	}
	if len(convs) == 0 {
		return nil
	}
	if err := s.importIdentities(ctx, workspaceID, convs, cache); err != nil {
		return err
	}
	if err := s.importConversations(ctx, workspaceID, convs, cache); err != nil {
		return err
	}
	if err := s.importMessages(ctx, workspaceID, convs); err != nil {
		return err
	}
	for _, c := range convs {
		switch {
		case c.created && c.inserted == len(c.t.Messages):
			*c.res = ImportResult{Outcome: ImportCreated, Messages: c.inserted}
		case !c.created && c.inserted == 0:
			*c.res = ImportResult{Outcome: ImportUnchanged}
		default:
			// Some messages were stored already (on another thread of the
			// channel, or on this one by an earlier import or line): compute
			// the timeline again from what is stored.
			if err := s.importRecompute(ctx, c); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Store) importChannel(ctx context.Context, workspaceID, typ, name string, cache *ImportCache) (string, error) {
	key := [2]string{typ, name}
	if id, ok := cache.channels[key]; ok {
		return id, nil
	}
	var id string
	err := s.queryRow(ctx, qFindChannel, workspaceID, typ, name).Scan(&id)
	if err == sql.ErrNoRows {
		id = NewID()
		_, err = s.exec(ctx, qInsertChannel, id, workspaceID, typ, name, s.box.Seal(secret.RandomToken(32)), ImportedSettings, ms(s.Now()))
	}
	if err != nil {
		return "", s.mapErr("import channel", err)
	}
	cache.channels[key] = id
	return id, nil
}

// chunks calls fn with consecutive slices of items, each small enough that
// perItem parameters per item stay under importChunkParams.
func chunks[T any](items []T, perItem int, fn func([]T) error) error {
	size := max(importChunkParams/perItem, 1)
	for len(items) > 0 {
		n := min(size, len(items))
		if err := fn(items[:n]); err != nil {
			return err
		}
		items = items[n:]
	}
	return nil
}

// valuesList returns n groups of cols placeholders: "(?, ?), (?, ?)".
func valuesList(n, cols int) string {
	one := "(" + strings.Repeat("?, ", cols-1) + "?)"
	return strings.Repeat(one+", ", n-1) + one
}

func placeholders(n int) string { return strings.Repeat("?, ", n-1) + "?" }

// importIdentities resolves the customer of every thread, creating customers
// and identities that do not exist yet.
func (s *Store) importIdentities(ctx context.Context, workspaceID string, convs []*importConv, cache *ImportCache) error {
	if len(cache.identities) > maxCachedIdentities {
		clear(cache.identities)
	}
	// Which authors are unknown to the cache, by network.
	missing := map[string][]string{}
	seen := map[[2]string]bool{}
	for _, c := range convs {
		key := [2]string{c.t.ChannelType, c.t.Customer.ID}
		if _, ok := cache.identities[key]; !ok && !seen[key] {
			seen[key] = true
			missing[key[0]] = append(missing[key[0]], key[1])
		}
	}
	for network, ids := range missing {
		if err := chunks(ids, 1, func(part []string) error { return s.importFindIdentities(ctx, workspaceID, network, part, cache) }); err != nil {
			return err
		}
	}
	// Create the ones still unknown: a customer each, then its identity.
	type newIdent struct {
		network string
		a       ImportAuthor
		ident   importIdentity
	}
	var create []newIdent
	for _, c := range convs {
		key := [2]string{c.t.ChannelType, c.t.Customer.ID}
		if _, ok := cache.identities[key]; ok {
			continue
		}
		ni := newIdent{network: key[0], a: c.t.Customer, ident: importIdentity{id: NewID(), customerID: NewID()}}
		cache.identities[key] = ni.ident // also dedupes within the batch
		create = append(create, ni)
	}
	now := ms(s.Now())
	err := chunks(create, 4, func(part []newIdent) error {
		args := make([]any, 0, 4*len(part))
		for _, ni := range part {
			name := cmp.Or(ni.a.Name, ni.a.Handle, ni.a.ID)
			args = append(args, ni.ident.customerID, workspaceID, name, now)
		}
		_, err := s.exec(ctx, `INSERT INTO customers (id, workspace_id, name, created_at) VALUES `+valuesList(len(part), 4), args...)
		return s.mapErr("import customers", err)
	})
	if err != nil {
		return err
	}
	var lost []newIdent // identities created meanwhile by a live node
	err = chunks(create, 8, func(part []newIdent) error {
		args := make([]any, 0, 8*len(part))
		for _, ni := range part {
			args = append(args, ni.ident.id, workspaceID, ni.ident.customerID, ni.network, ni.a.ID, ni.a.Handle, ni.a.Name, now)
		}
		rows, err := s.query(ctx, `INSERT INTO identities (id, workspace_id, customer_id, network, external_id, handle, name, created_at) VALUES `+
			valuesList(len(part), 8)+` ON CONFLICT (workspace_id, network, external_id) DO NOTHING RETURNING id`, args...)
		if err != nil {
			return s.mapErr("import identities", err)
		}
		defer rows.Close()
		stored := map[string]bool{}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return s.mapErr("import identities", err)
			}
			stored[id] = true
		}
		for _, ni := range part {
			if !stored[ni.ident.id] {
				lost = append(lost, ni)
			}
		}
		cache.inserted += len(stored)
		return s.mapErr("import identities", rows.Err())
	})
	if err != nil {
		return err
	}
	for _, ni := range lost {
		if _, err := s.exec(ctx, `DELETE FROM customers WHERE id = ?`, ni.ident.customerID); err != nil {
			return s.mapErr("import identities", err)
		}
		delete(cache.identities, [2]string{ni.network, ni.a.ID})
		if err := s.importFindIdentities(ctx, workspaceID, ni.network, []string{ni.a.ID}, cache); err != nil {
			return err
		}
	}
	for _, c := range convs {
		id, ok := cache.identities[[2]string{c.t.ChannelType, c.t.Customer.ID}]
		if !ok {
			return fmt.Errorf("import identities: %s %q not found after insert", c.t.ChannelType, c.t.Customer.ID)
		}
		c.ident = id
	}
	return nil
}

func (s *Store) importFindIdentities(ctx context.Context, workspaceID, network string, externalIDs []string, cache *ImportCache) error {
	args := []any{workspaceID, network}
	for _, id := range externalIDs {
		args = append(args, id)
	}
	rows, err := s.query(ctx, `SELECT external_id, id, customer_id FROM identities WHERE workspace_id = ? AND network = ? AND external_id IN (`+
		placeholders(len(externalIDs))+`)`, args...)
	if err != nil {
		return s.mapErr("import find identities", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ext string
		var id importIdentity
		if err := rows.Scan(&ext, &id.id, &id.customerID); err != nil {
			return s.mapErr("import find identities", err)
		}
		cache.identities[[2]string{network, ext}] = id
	}
	return s.mapErr("import find identities", rows.Err())
}

// importConversations inserts the conversations that are new and finds the
// stored ones.
func (s *Store) importConversations(ctx context.Context, workspaceID string, convs []*importConv, cache *ImportCache) error {
	const cols = 17
	err := chunks(convs, cols, func(part []*importConv) error {
		args := make([]any, 0, cols*len(part))
		for _, c := range part {
			tl := c.tl
			args = append(args, c.id, workspaceID, c.chID, c.ident.customerID, c.ident.id, c.t.ThreadID, c.t.Public, tl.Status, tl.Preview,
				tl.CreatedAt, tl.LastMessageAt, nullMs(tl.FirstResponseAt), secondsSince(tl.CreatedAt, tl.FirstResponseAt),
				nullMs(tl.AcknowledgedAt), secondsSince(tl.CreatedAt, tl.AcknowledgedAt), nullMs(tl.ResolvedAt), secondsSince(tl.CreatedAt, tl.ResolvedAt))
		}
		rows, err := s.query(ctx, `INSERT INTO conversations (id, workspace_id, channel_id, customer_id, identity_id, thread_id, public, status, preview,
			created_at, last_message_at, first_response_at, first_response_seconds, acknowledged_at, acknowledged_seconds, resolved_at, resolution_seconds)
			VALUES `+valuesList(len(part), cols)+` ON CONFLICT (channel_id, thread_id) DO NOTHING RETURNING id`, args...)
		if err != nil {
			return s.mapErr("import conversations", err)
		}
		defer rows.Close()
		created := map[string]bool{}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return s.mapErr("import conversations", err)
			}
			created[id] = true
		}
		for _, c := range part {
			c.created = created[c.id]
		}
		cache.inserted += len(created)
		return s.mapErr("import conversations", rows.Err())
	})
	if err != nil {
		return err
	}
	// The stored ones, by channel.
	stored := map[string][]*importConv{}
	for _, c := range convs {
		if !c.created {
			stored[c.chID] = append(stored[c.chID], c)
		}
	}
	for chID, cs := range stored {
		err := chunks(cs, 1, func(part []*importConv) error {
			args := []any{chID}
			for _, c := range part {
				args = append(args, c.t.ThreadID)
			}
			rows, err := s.query(ctx, `SELECT thread_id, id FROM conversations WHERE channel_id = ? AND thread_id IN (`+placeholders(len(part))+`)`, args...)
			if err != nil {
				return s.mapErr("import find conversations", err)
			}
			defer rows.Close()
			ids := map[string]string{}
			for rows.Next() {
				var thread, id string
				if err := rows.Scan(&thread, &id); err != nil {
					return s.mapErr("import find conversations", err)
				}
				ids[thread] = id
			}
			for _, c := range part {
				if c.id = ids[c.t.ThreadID]; c.id == "" {
					return fmt.Errorf("import find conversations: thread %q vanished", c.t.ThreadID)
				}
			}
			return s.mapErr("import find conversations", rows.Err())
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// importMessages inserts every message that is not stored yet and counts
// them per conversation.
func (s *Store) importMessages(ctx context.Context, workspaceID string, convs []*importConv) error {
	type msg struct {
		c  *importConv
		m  *ImportMessage
		id string
	}
	var all []msg
	owner := map[string]*importConv{} // message id → its thread
	for _, c := range convs {
		for i := range c.t.Messages {
			x := msg{c, &c.t.Messages[i], NewID()}
			owner[x.id] = c
			all = append(all, x)
		}
	}
	const cols = 12
	return chunks(all, cols, func(part []msg) error {
		args := make([]any, 0, cols*len(part))
		for _, x := range part {
			m := x.m
			dir, status, delivered := model.DirectionIn, "", any(nil)
			if !m.Inbound {
				dir, status, delivered = model.DirectionOut, model.DeliverySent, m.CreatedAt
			}
			args = append(args, x.id, workspaceID, x.c.id, x.c.chID, dir, m.ExternalID, m.Text, m.Public, m.CreatedAt, status, delivered, m.Holding)
		}
		rows, err := s.query(ctx, `INSERT INTO messages (id, workspace_id, conversation_id, channel_id, direction, external_id, text, public, created_at,
			delivery_status, delivered_at, holding) VALUES `+valuesList(len(part), cols)+` ON CONFLICT DO NOTHING RETURNING id`, args...)
		if err != nil {
			return s.mapErr("import messages", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return s.mapErr("import messages", err)
			}
			if c := owner[id]; c != nil {
				c.inserted++
			}
		}
		return s.mapErr("import messages", rows.Err())
	})
}

// importRecompute sets a conversation's timeline from all its stored
// messages after some of a thread's messages were already stored.
func (s *Store) importRecompute(ctx context.Context, c *importConv) error {
	rows, err := s.query(ctx, qListMsgs, c.id)
	if err != nil {
		return s.mapErr("import list messages", err)
	}
	var stored []ImportMessage
	for rows.Next() {
		var m ImportMessage
		var dir string
		if err := rows.Scan(&dir, &m.Text, &m.Holding, &m.CreatedAt); err != nil {
			rows.Close()
			return s.mapErr("import list messages", err)
		}
		m.Inbound = dir == model.DirectionIn
		stored = append(stored, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return s.mapErr("import list messages", err)
	}
	tl, ok := ComputeImportTimeline(stored)
	if !ok {
		// Only possible for a conversation created just now whose inbound
		// messages all belong to other threads: take it back.
		for _, q := range []string{`DELETE FROM messages WHERE conversation_id = ?`, `DELETE FROM conversations WHERE id = ?`} {
			if _, err := s.exec(ctx, q, c.id); err != nil {
				return s.mapErr("import take back thread", err)
			}
		}
		*c.res = ImportResult{Outcome: ImportSkipped, Skip: ImportSkipOtherThread}
		return nil
	}
	if _, err := s.exec(ctx, qUpdateConv, tl.Status, tl.Preview, tl.CreatedAt, tl.LastMessageAt,
		nullMs(tl.FirstResponseAt), secondsSince(tl.CreatedAt, tl.FirstResponseAt), nullMs(tl.AcknowledgedAt), secondsSince(tl.CreatedAt, tl.AcknowledgedAt),
		nullMs(tl.ResolvedAt), secondsSince(tl.CreatedAt, tl.ResolvedAt), c.id); err != nil {
		return s.mapErr("import update conversation", err)
	}
	if c.created {
		*c.res = ImportResult{Outcome: ImportCreated, Messages: c.inserted}
	} else {
		*c.res = ImportResult{Outcome: ImportUpdated, Messages: c.inserted}
	}
	return nil
}
