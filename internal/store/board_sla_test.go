package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/heed-dev/heed/internal/db"
	"github.com/heed-dev/heed/internal/dbtest"
	"github.com/heed-dev/heed/internal/model"
	"github.com/heed-dev/heed/internal/store"
)

// Breaching-soon and breached conversations are counted per team and per
// assignee, and the per-team counts add up to LiveBoard's totals.
func TestLiveBoardSLA(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
		team, err := f.s.CreateTeam(ctx, model.Team{WorkspaceID: f.ws.ID, Name: "Care"})
		if err != nil {
			t.Fatal(err)
		}
		at := func(d time.Duration) *time.Time { v := now.Add(d); return &v }
		n := 0
		conv := func(teamID, assignee string, sla store.SLAState, resolved bool) {
			t.Helper()
			n++
			ext := "c" + string(rune('a'+n))
			id, err := f.s.ResolveIdentity(ctx, model.Identity{WorkspaceID: f.ws.ID, Network: "api", ExternalID: ext})
			if err != nil {
				t.Fatal(err)
			}
			c, _, err := f.s.ThreadConversation(ctx, model.Conversation{WorkspaceID: f.ws.ID, ChannelID: f.channel.ID, CustomerID: id.CustomerID,
				IdentityID: id.ID, ThreadID: ext, CreatedAt: now.Add(-time.Hour), LastMessageAt: now.Add(-time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			if teamID != "" || assignee != "" {
				if err := f.s.AssignConversation(ctx, f.ws.ID, c.ID, assignee, teamID); err != nil {
					t.Fatal(err)
				}
			}
			sla.PolicyID = "p"
			if err := f.s.SetConversationSLA(ctx, c.ID, sla); err != nil {
				t.Fatal(err)
			}
			if resolved {
				if err := f.s.SetConversationStatus(ctx, f.ws.ID, c.ID, model.StatusResolved, now); err != nil {
					t.Fatal(err)
				}
			}
		}
		conv(team.ID, f.agent.ID, store.SLAState{FirstResponseDueAt: at(10 * time.Minute)}, false) // Care/Ana: soon
		conv(team.ID, "", store.SLAState{NextResponseDueAt: at(14 * time.Minute)}, false)          // Care/nobody: soon
		conv(team.ID, "", store.SLAState{FirstResponseDueAt: at(20 * time.Minute)}, false)         // not within 15 min
		conv(team.ID, f.agent.ID, store.SLAState{Breached: true}, false)                           // Care/Ana: breached
		conv("", "", store.SLAState{Breached: true}, false)                                        // no team: breached
		conv(team.ID, f.agent.ID, store.SLAState{Breached: true}, true)                            // resolved: not counted
		teams, agents, err := f.s.LiveBoardSLA(ctx, f.ws.ID, now, 15*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := teams[team.ID], (store.BoardSLA{BreachingSoon: 2, Breached: 1}); got != want {
			t.Errorf("Care = %+v, want %+v", got, want)
		}
		if got, want := teams[""], (store.BoardSLA{Breached: 1}); got != want {
			t.Errorf("no team = %+v, want %+v", got, want)
		}
		if got, want := agents[f.agent.ID], (store.BoardSLA{BreachingSoon: 1, Breached: 1}); got != want {
			t.Errorf("Ana = %+v, want %+v", got, want)
		}
		if got, want := agents[""], (store.BoardSLA{BreachingSoon: 1, Breached: 1}); got != want {
			t.Errorf("unassigned = %+v, want %+v", got, want)
		}
		b, err := f.s.LiveBoard(ctx, f.ws.ID, now, 15*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		soon, breached := 0, 0
		for _, c := range teams {
			soon, breached = soon+c.BreachingSoon, breached+c.Breached
		}
		if soon != b.BreachingSoon || breached != b.Breached {
			t.Errorf("per team %d/%d, board %d/%d", soon, breached, b.BreachingSoon, b.Breached)
		}
	})
}
