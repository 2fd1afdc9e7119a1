package report

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/heed-dev/heed/internal/sla"
	"github.com/heed-dev/heed/internal/store"
)

// Group is one row of the summary. The definitions:
//
//   - Conversations: conversations that started (first inbound message) in
//     the range.
//   - Responded: of those needing a response (needs_response and not spam),
//     the ones that got a substantive (non-holding) reply.
//   - ResponseRate: Responded / conversations needing a response.
//   - FirstResponseSeconds: from the first inbound message to the first
//     substantive reply, over the Responded conversations.
//   - ResolutionSeconds: from the first inbound message to the resolution,
//     over resolved conversations that are not spam.
//   - PublicShare: of the Responded, the share whose first substantive reply
//     was public.
//   - SLAAttainment: of the conversations an SLA policy applied to, the share
//     that never breached.
//
// Ratios are null when their denominator is zero; durations count calendar
// or business time (Query.Hours).
type Group struct {
	Key                  string   `json:"key"`
	Conversations        int      `json:"conversations"`
	Responded            int      `json:"responded"`
	ResponseRate         *float64 `json:"response_rate"`
	FirstResponseSeconds Stats    `json:"first_response_seconds"`
	ResolutionSeconds    Stats    `json:"resolution_seconds"`
	PublicShare          *float64 `json:"public_share"`
	SLAAttainment        *float64 `json:"sla_attainment"`
	CSAT                 CSAT     `json:"csat"` // survey.go
	NPS                  NPS      `json:"nps"`
}

// Summary is the summary report: groups by conversations, most first, then
// by key.
type Summary struct {
	Groups []Group `json:"groups"`
}

type agg struct {
	conversations, needing, responded, publicFirst int
	withPolicy, metSLA                             int
	firstResponse, resolution                      []int64 // ms
}

// Summarize computes the summary report: exactly from the conversations
// when the range holds at most ExactLimit of them (or uses business hours or
// filters), else from the daily roll-ups (summarizeRollups), whose
// percentiles are within bucketError of the exact ones.
func Summarize(ctx context.Context, st *store.Store, q Query) (Summary, error) {
	if rollupEligible(q) {
		s, ok, err := summarizeRollups(ctx, st, q, ExactLimit)
		if err != nil || ok {
			return s, err
		}
	}
	return summarizeExact(ctx, st, q)
}

// summarizeExact computes the summary from every conversation of the range.
func summarizeExact(ctx context.Context, st *store.Store, q Query) (Summary, error) {
	dur, err := durationFunc(ctx, st, q)
	if err != nil {
		return Summary{}, err
	}
	surveys, err := loadSurveyScores(ctx, st, q)
	if err != nil {
		return Summary{}, err
	}
	groups := map[string]*agg{}
	err = st.StreamReportRows(ctx, q.filter(), func(r *store.ReportRow) error {
		key := groupKey(q.GroupBy, r)
		surveys.add(key, r.ID)
		g := groups[key]
		if g == nil {
			g = &agg{}
			groups[key] = g
		}
		g.conversations++
		if needsResponse(r) {
			g.needing++
			if r.FirstResponseAt.Valid {
				g.responded++
				g.firstResponse = append(g.firstResponse, dur(r.CreatedAt, r.FirstResponseAt.Int64))
				if r.FirstReplyPublic {
					g.publicFirst++
				}
			}
		}
		if r.ResolvedAt.Valid && !r.Spam {
			g.resolution = append(g.resolution, dur(r.CreatedAt, r.ResolvedAt.Int64))
		}
		if r.HasSLAPolicy {
			g.withPolicy++
			if !r.SLABreached {
				g.metSLA++
			}
		}
		return nil
	})
	if err != nil {
		return Summary{}, err
	}
	out := Summary{Groups: make([]Group, 0, len(groups))}
	for key, g := range groups {
		out.Groups = append(out.Groups, Group{
			Key:                  key,
			Conversations:        g.conversations,
			Responded:            g.responded,
			ResponseRate:         ratio(g.responded, g.needing),
			FirstResponseSeconds: statsOf(g.firstResponse),
			ResolutionSeconds:    statsOf(g.resolution),
			PublicShare:          ratio(g.publicFirst, g.responded),
			SLAAttainment:        ratio(g.metSLA, g.withPolicy),
			CSAT:                 surveys.csat(key),
			NPS:                  surveys.nps(key),
		})
	}
	slices.SortFunc(out.Groups, func(a, b Group) int {
		return cmp.Or(cmp.Compare(b.Conversations, a.Conversations), cmp.Compare(a.Key, b.Key))
	})
	return out, nil
}

func needsResponse(r *store.ReportRow) bool { return r.NeedsResponse && !r.Spam }

func groupKey(by string, r *store.ReportRow) string {
	switch by {
	case ByAccount:
		return r.Account
	case ByChannelType:
		return r.ChannelType
	case ByTeam:
		if r.Team == "" {
			return KeyUnassigned
		}
		return r.Team
	case ByAgent:
		switch {
		case !r.FirstResponseAt.Valid:
			return KeyUnanswered
		case r.FirstReplier == "":
			return KeyUnattributed
		}
		return r.FirstReplier
	}
	return KeyAll
}

// durationFunc returns how long (ms) passed between two unix-ms times in the
// query's hours. A time before the start counts as no time.
func durationFunc(ctx context.Context, st *store.Store, q Query) (func(from, to int64) int64, error) {
	if q.Hours != HoursBusiness {
		return func(from, to int64) int64 { return max(to-from, 0) }, nil
	}
	bh, err := businessHours(ctx, st, q.WorkspaceID)
	if err != nil {
		return nil, err
	}
	return func(from, to int64) int64 {
		return sla.BusinessDurationBetween(time.UnixMilli(from), time.UnixMilli(to), bh).Milliseconds()
	}, nil
}

func businessHours(ctx context.Context, st *store.Store, workspaceID string) (*sla.BusinessHours, error) {
	ws, err := st.GetWorkspace(ctx, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("report: business hours: %w", err)
	}
	if ws.BusinessHours == "" {
		return nil, &QueryError{Field: "hours", Message: "the workspace has no business hours; set them first"}
	}
	var sched sla.Schedule
	if err := json.Unmarshal([]byte(ws.BusinessHours), &sched); err != nil {
		return nil, fmt.Errorf("report: stored business hours: %w", err)
	}
	bh, err := sla.NewBusinessHours(sched)
	if err != nil {
		return nil, fmt.Errorf("report: stored business hours: %w", err)
	}
	return bh, nil
}
