package inbox_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"github.com/heed-dev/heed/internal/compose"
	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/inbox"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/realtime"
	"github.com/heed-dev/heed/internal/secret"
	"github.com/heed-dev/heed/internal/store"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

type noOutbox struct{}

func (noOutbox) EnqueueSend(context.Context, string) error { return nil }

type benchWorld struct {
	svc   *inbox.Service
	agent model.Agent
	conv  model.Conversation
}

func newBenchWorld(b *testing.B, engine db.Engine, checks bool) benchWorld {
	ctx := context.Background()
	box, _ := secret.New([]byte("bench-key-bench-key-bench-key"))
	s := store.New(dbtest.Open(b, engine), box)
	ws, err := s.CreateWorkspace(ctx, "Acme")
	if err != nil {
		b.Fatal(err)
	}
	a, _ := s.CreateAgent(ctx, model.Agent{WorkspaceID: ws.ID, Email: "ana@x.test", Name: "Ana", Role: model.RoleAgent, PasswordHash: "x"})
	ch, _ := s.CreateChannel(ctx, model.Channel{WorkspaceID: ws.ID, Type: model.ChannelAPI, Name: "API", Secret: "s"})
	id, _ := s.ResolveIdentity(ctx, model.Identity{WorkspaceID: ws.ID, Network: "api", ExternalID: "u1", Name: "Maria Lopez"})
	conv, _, err := s.ThreadConversation(ctx, model.Conversation{WorkspaceID: ws.ID, ChannelID: ch.ID, CustomerID: id.CustomerID, IdentityID: id.ID, ThreadID: "t1", Public: true})
	if err != nil {
		b.Fatal(err)
	}
	svc := inbox.New(s, realtime.NewHub(), noOutbox{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if checks {
		c, err := compose.New(compose.Options{Languages: []string{"en"}, Preload: true})
		if err != nil {
			b.Fatal(err)
		}
		svc.Composer = c
	}
	return benchWorld{svc: svc, agent: a, conv: conv}
}

// BenchmarkPresenceBeat is one heartbeat: read who is there, upsert, sweep.
func BenchmarkPresenceBeat(b *testing.B) {
	for _, engine := range dbtest.Engines {
		b.Run(string(engine), func(b *testing.B) {
			w := newBenchWorld(b, engine, false)
			ctx := context.Background()
			for b.Loop() {
				if err := w.svc.PresenceBeat(ctx, w.agent, w.conv.ID, false); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkReplyScreening is the cost the send path pays for collisions and
// blocking checks: a reply with the collision check and the composer's
// checks, against the same reply without them.
func BenchmarkReplyScreening(b *testing.B) {
	for _, engine := range dbtest.Engines {
		for _, screened := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s/screened=%v", engine, screened), func(b *testing.B) {
				w := newBenchWorld(b, engine, screened)
				ctx := context.Background()
				i := 0
				for b.Loop() {
					i++
					in := inbox.ReplyInput{Text: fmt.Sprintf("Hi Maria, sorry about the wait: your parcel %d left our warehouse today and arrives tomorrow.", i)}
					if screened {
						in.Seen = w.conv.CreatedAt
					}
					if _, err := w.svc.Reply(ctx, w.agent, w.conv.ID, in); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
