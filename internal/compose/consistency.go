package compose

import (
	"math"
	"regexp"
	"strconv"
	"strings"
)

// Amounts more than precedentOver times the largest precedent, or less than precedentUnder
// times the smallest, are out of line.
const (
	precedentOver  = 1.25
	precedentUnder = 0.5
	maxOffers      = 8
)

var (
	amountNum = `(\d{1,3}(?:[,.']\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)`
	moneyRe   = regexp.MustCompile(`(?i)(?:(US\$|CA?\$|AU?\$|NZ\$|[$€£¥]|\b(?:usd|eur|gbp|cad|aud|chf|jpy)\b)\s?` + amountNum + `)` +
		`|(?:` + amountNum + `\s?(%|€|\$|£|\b(?:usd|eur|gbp|cad|aud|chf|jpy|dollars?|euros?|pounds?|bucks|percent|per cent|por ciento|pour cent|prozent)\b))`)
	kindRes = map[string]*regexp.Regexp{
		KindRefund:      regexp.MustCompile(`(?i)\b(?:refund\w*|reimburs\w*|money back|reembols\w*|devoluci[oó]n|rembours\w*|r[üu]ckerstatt\w*|erstatt\w*)`),
		KindCredit:      regexp.MustCompile(`(?i)\b(?:credit\w*|voucher\w*|gift ?cards?|gift certificates?|store credit|bono|vale|cr[eé]dito|avoir|bon d'achat|gutschein\w*|guthaben|gutschrift)`),
		KindDiscount:    regexp.MustCompile(`(?i)(?:\b(?:discount\w*|coupon\w*|promo(?:tion(?:al)?)? codes?|descuento\w*|cup[oó]n|r[eé]duction|remise|rabatt\w*)|%\s*off\b|\boff (?:your|the) next\b)`),
		KindReplacement: regexp.MustCompile(`(?i)\b(?:replac\w*|reemplaz\w*|sustitu\w*|remplac\w*|ersatz\w*|austausch\w*)`),
	}
	kindOrder = []string{KindRefund, KindCredit, KindDiscount, KindReplacement}
	// offerRe: the sentence offers or grants something (not "refunds take 5 days").
	offerRe = compilePhrases(`(?:we'll|we will|we can|i can|i'll|i will|we'd|we would|i'd|i would) (?:like to |be happy to |gladly )?(?:offer|give|send|issue|apply|add|credit|refund|provide|ship|process|arrange|honou?r)`,
		`happy to`, `glad to`, `(?:we've|we have|i've|i have) (?:\w+ )?(?:issued|applied|added|credited|refunded|sent|processed|arranged|offered|given)`,
		`here's`, `here is`, `as a (?:gesture|goodwill|token)`, `goodwill`, `on us`, `offer you`, `for you`,
		`te (?:ofrecemos|enviaremos|reembolsaremos)`, `(?:hemos|he) (?:emitido|aplicado|reembolsado|enviado)`,
		`nous (?:vous )?(?:offrons|proposons|rembourserons|enverrons)`, `(?:nous avons|j'ai) (?:émis|appliqué|remboursé|envoyé)`,
		`wir (?:bieten|erstatten|schicken|senden)`, `(?:wir haben|ich habe) (?:\w+ )?(?:erstattet|gutgeschrieben|geschickt)`)
)

// offer is compensation the draft offers.
type offer struct {
	span
	kind     string
	amount   float64 // 0 when no amount is given
	currency string  // ISO code or "%"
	prefix   string  // the currency as written before the number ("$", "€ ")
	suffix   string  // or after it (" €", "%")
	comma    bool    // the number uses a decimal comma
}

// normCurrency maps a written currency to an ISO code or "%"; dollar is the code a bare "$"
// stands for.
func normCurrency(s, dollar string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "%", "percent", "per cent", "por ciento", "pour cent", "prozent":
		return "%"
	case "$", "dollar", "dollars", "bucks":
		return dollar
	case "us$":
		return "USD"
	case "c$", "ca$":
		return "CAD"
	case "a$", "au$":
		return "AUD"
	case "nz$":
		return "NZD"
	case "€", "euro", "euros":
		return "EUR"
	case "£", "pound", "pounds":
		return "GBP"
	case "¥":
		return "JPY"
	}
	return strings.ToUpper(s)
}

func (r *run) dollar() string {
	switch c := strings.ToUpper(strings.TrimSpace(r.in.Policy.Currency)); c {
	case "USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN":
		return c
	}
	return "USD"
}

// parseAmount reads "1,234.50", "1.234,50", "20", "20,5"; ok=false when it is no number.
func parseAmount(s string) (v float64, comma bool, ok bool) {
	s = strings.ReplaceAll(s, "'", "")
	lastDot, lastComma := strings.LastIndexByte(s, '.'), strings.LastIndexByte(s, ',')
	dec := -1
	switch {
	case lastDot >= 0 && lastComma >= 0:
		dec = max(lastDot, lastComma)
	case lastDot >= 0 && len(s)-lastDot-1 != 3:
		dec = lastDot
	case lastComma >= 0 && len(s)-lastComma-1 != 3:
		dec = lastComma
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case i == dec:
			b.WriteByte('.')
		case s[i] >= '0' && s[i] <= '9':
			b.WriteByte(s[i])
		}
	}
	v, err := strconv.ParseFloat(b.String(), 64)
	return v, dec >= 0 && s[dec] == ',', err == nil && !math.IsInf(v, 0)
}

// offers finds the compensation offered in the draft.
func (r *run) offers() []offer {
	text := r.text
	dollar := r.dollar()
	offering := []*regexp.Regexp{offerRe}
	var out []offer
	for _, s := range r.sents() {
		sent := text[s.start:s.end]
		kinds := map[string][]int{} // kind → offsets of its words in sent
		for _, k := range kindOrder {
			for _, m := range kindRes[k].FindAllStringIndex(sent, 4) {
				kinds[k] = append(kinds[k], m[0])
			}
		}
		amounts := moneyRe.FindAllStringSubmatchIndex(sent, maxOffers)
		withAmount := false
		for _, m := range amounts {
			var o offer
			var num string
			if m[2] >= 0 {
				o.prefix, num = sent[m[2]:m[4]], sent[m[4]:m[5]]
				o.currency = normCurrency(sent[m[2]:m[3]], dollar)
			} else {
				num, o.suffix = sent[m[6]:m[7]], sent[m[7]:m[9]]
				o.currency = normCurrency(sent[m[8]:m[9]], dollar)
			}
			v, comma, ok := parseAmount(num)
			if !ok || v <= 0 {
				continue
			}
			o.amount, o.comma = v, comma
			o.span = span{s.start + m[0], s.start + m[1]}
			o.kind = nearestKind(kinds, m[0])
			if o.kind == "" && o.currency == "%" {
				o.kind = KindDiscount
			}
			if o.kind == "" {
				continue // a price or a total, not an offer
			}
			withAmount = true
			out = append(out, o)
		}
		if withAmount || len(kinds) == 0 {
			continue
		}
		if _, ok := findPhrase(offering, sent); !ok {
			continue
		}
		for _, k := range kindOrder {
			if offs := kinds[k]; len(offs) > 0 {
				m := kindRes[k].FindStringIndex(sent[offs[0]:])
				out = append(out, offer{span: span{s.start + offs[0], s.start + offs[0] + m[1]}, kind: k})
				break
			}
		}
		if len(out) >= maxOffers {
			break
		}
	}
	return out
}

// nearestKind returns the kind whose word is closest to offset at.
func nearestKind(kinds map[string][]int, at int) string {
	best, bestD := "", math.MaxInt
	for _, k := range kindOrder {
		for _, o := range kinds[k] {
			if d := abs(o - at); d < bestD {
				best, bestD = k, d
			}
		}
	}
	return best
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// format writes v in the offer's own style ("$15", "15 €", "10%").
func (o offer) format(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	if v == math.Trunc(v) {
		s = strconv.FormatFloat(v, 'f', 0, 64)
	}
	if o.comma {
		s = strings.Replace(s, ".", ",", 1)
	}
	return o.prefix + s + o.suffix
}

func (r *run) consistency() {
	offers := r.offers()
	if len(offers) == 0 {
		return
	}
	dollar := r.dollar()
	text := r.text
	for _, o := range offers {
		written := text[o.start:o.end]
		if o.amount > 0 {
			if lim, ok := r.limit(o.kind, o.currency, dollar); ok && o.amount > lim {
				r.warn(o.start, o.end, o.format(lim), "Offering %s as a %s is over the workspace policy limit of %s: it needs approval.", written, o.kind, o.format(lim))
				continue
			}
			var lo, hi *Precedent
			for i := range r.in.Compensations {
				p := &r.in.Compensations[i]
				if p.Kind != o.kind || normCurrency(p.Currency, dollar) != o.currency || p.Amount <= 0 {
					continue
				}
				if lo == nil || p.Amount < lo.Amount {
					lo = p
				}
				if hi == nil || p.Amount > hi.Amount {
					hi = p
				}
			}
			switch {
			case hi != nil && o.amount > hi.Amount*precedentOver:
				r.warn(o.start, o.end, o.format(hi.Amount), "Offering %s as a %s where similar conversations got %s (conversation %s): one rulebook, the same resolution for the same issue.", written, o.kind, rangeLabel(o, lo.Amount, hi.Amount), hi.ConversationID)
				continue
			case lo != nil && o.amount < lo.Amount*precedentUnder:
				r.warn(o.start, o.end, o.format(lo.Amount), "Offering %s as a %s where similar conversations got %s (conversation %s): one rulebook, the same resolution for the same issue.", written, o.kind, rangeLabel(o, lo.Amount, hi.Amount), lo.ConversationID)
				continue
			case hi != nil:
				continue
			}
		}
		// No precedent of this kind (and currency): were similar cases resolved otherwise?
		if len(r.in.Compensations) == 0 {
			continue
		}
		same := false
		count := map[string]int{}
		first := map[string]string{}
		for _, p := range r.in.Compensations {
			if p.Kind == o.kind {
				same = true
				break
			}
			count[p.Kind]++
			if _, ok := first[p.Kind]; !ok {
				first[p.Kind] = p.ConversationID
			}
		}
		if same {
			continue
		}
		usual := ""
		for _, k := range kindOrder {
			if count[k] > count[usual] {
				usual = k
			}
		}
		if usual == "" {
			continue
		}
		r.warn(o.start, o.end, "", "Offering a %s where similar conversations were resolved with a %s (conversation %s): one rulebook, the same resolution for the same issue.", o.kind, usual, first[usual])
	}
}

func rangeLabel(o offer, lo, hi float64) string {
	if lo == hi {
		return o.format(lo)
	}
	return o.format(lo) + "–" + o.format(hi)
}

// limit returns the policy's maximum for a kind in a currency.
func (r *run) limit(kind, currency, dollar string) (float64, bool) {
	for _, l := range r.in.Policy.Limits {
		if l.Kind == kind && normCurrency(l.Currency, dollar) == currency {
			return l.Max, true
		}
	}
	return 0, false
}
