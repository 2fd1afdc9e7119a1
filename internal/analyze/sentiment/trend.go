package sentiment

// Trend summarises a customer's recent compound scores, oldest first, for conversation-level
// sentiment: avg is their mean and slope the least-squares change per message (positive when
// the customer is calming down, negative when getting angrier). Fewer than two scores give a
// zero slope; no scores give zeros.
func Trend(scores []float64) (avg, slope float64) {
	n := float64(len(scores))
	if n == 0 {
		return 0, 0
	}
	var sumX, sumY, sumXY, sumXX float64
	for i, y := range scores {
		x := float64(i)
		sumX += x
		sumY += y
		sumXY += x * y
		sumXX += x * x
	}
	avg = sumY / n
	den := n*sumXX - sumX*sumX
	if den == 0 {
		return avg, 0
	}
	return avg, (n*sumXY - sumX*sumY) / den
}
