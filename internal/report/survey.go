package report

import (
	"context"
	"math"

	"github.com/heed-dev/heed/internal/store"
)

// CSAT is the customer-satisfaction figure of a group, from answered 1–5
// surveys: Score is the share of 4 and 5 (the usual "% satisfied"), Average
// the mean score. Both are null without responses.
type CSAT struct {
	Responses int      `json:"responses"`
	Score     *float64 `json:"score"`
	Average   *float64 `json:"average"`
}

// NPS is the Net Promoter Score of a group, from answered 0–10 surveys:
// percent promoters (9–10) minus percent detractors (0–6), from -100 to 100,
// rounded to a whole number; null without responses.
type NPS struct {
	Responses  int      `json:"responses"`
	Score      *float64 `json:"score"`
	Promoters  int      `json:"promoters"`
	Passives   int      `json:"passives"`
	Detractors int      `json:"detractors"`
}

// surveyScores holds the answered surveys of a report's conversations and
// adds them up per group as the summary walks its rows. A workspace that
// switched from CSAT to NPS has both kinds; each goes to its own figure.
type surveyScores struct {
	byConv map[string][]store.SurveyScore
	groups map[string]*surveyAgg
}

type surveyAgg struct {
	csatN, csatSatisfied, csatSum int
	npsN, promoters, passives     int
}

// loadSurveyScores reads the answered surveys of the query's conversations
// (the same population as the rest of the report: conversations that
// started in the range).
func loadSurveyScores(ctx context.Context, st *store.Store, q Query) (*surveyScores, error) {
	rows, err := st.ListSurveyScores(ctx, q.filter())
	if err != nil {
		return nil, err
	}
	s := &surveyScores{byConv: map[string][]store.SurveyScore{}, groups: map[string]*surveyAgg{}}
	for _, r := range rows {
		s.byConv[r.ConversationID] = append(s.byConv[r.ConversationID], r)
	}
	return s, nil
}

// add counts the answers of one conversation into its group.
func (s *surveyScores) add(groupKey, conversationID string) {
	answers := s.byConv[conversationID]
	if len(answers) == 0 {
		return
	}
	g := s.groups[groupKey]
	if g == nil {
		g = &surveyAgg{}
		s.groups[groupKey] = g
	}
	for _, a := range answers {
		switch a.Kind {
		case store.SurveyCSAT:
			g.csatN++
			g.csatSum += a.Score
			if a.Score >= 4 {
				g.csatSatisfied++
			}
		case store.SurveyNPS:
			g.npsN++
			switch {
			case a.Score >= 9:
				g.promoters++
			case a.Score >= 7:
				g.passives++
			}
		}
	}
}

// csat returns a group's CSAT figure.
func (s *surveyScores) csat(groupKey string) CSAT {
	g := s.groups[groupKey]
	if g == nil || g.csatN == 0 {
		return CSAT{}
	}
	avg := float64(g.csatSum) / float64(g.csatN)
	return CSAT{Responses: g.csatN, Score: ratio(g.csatSatisfied, g.csatN), Average: &avg}
}

// nps returns a group's NPS figure.
func (s *surveyScores) nps(groupKey string) NPS {
	g := s.groups[groupKey]
	if g == nil || g.npsN == 0 {
		return NPS{}
	}
	detractors := g.npsN - g.promoters - g.passives
	score := math.Round(float64(100*(g.promoters-detractors)) / float64(g.npsN))
	return NPS{Responses: g.npsN, Score: &score, Promoters: g.promoters, Passives: g.passives, Detractors: detractors}
}

// latest returns the newest answer of a conversation, for the CSV export.
func (s *surveyScores) latest(conversationID string) (store.SurveyScore, bool) {
	answers := s.byConv[conversationID]
	if len(answers) == 0 {
		return store.SurveyScore{}, false
	}
	return answers[len(answers)-1], true
}
