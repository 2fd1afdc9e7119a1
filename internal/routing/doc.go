// Package routing decides who handles an inbound post and how urgently. It is a pure library:
// no database, no HTTP, no clock. The pipeline computes the Facts of a post, evaluates the
// workspace's compiled RuleSet, and applies the Outcome; the store and the UI keep and edit the
// rules as JSON.
//
// # Rules
//
// A Rule has a condition tree (When) and actions (Then). Rules are evaluated in order, every
// matching rule fires, and their actions merge into one Outcome. A rule with a stop action or
// StopAfter set ends the evaluation once it fires: the rules after it are not evaluated.
//
// Conditions are JSON trees:
//
//	{"all": [ … ]}                                            every child holds (AND)
//	{"any": [ … ]}                                            at least one child holds (OR)
//	{"not": { … }}                                            the child does not hold
//	{"field": "channel_type", "op": "in", "value": ["x"]}    a test of one fact
//	{}                                                        always holds (a catch-all rule;
//	                                                          also what an omitted "when" means)
//
// Fields are the Facts fields in snake_case; each has a kind, and the kind decides the ops:
//
//	string  channel_type channel_id language sentiment_label intent location
//	        eq neq (one string), in not_in (a list); case-insensitive
//	text    text
//	        contains not_contains starts_with (case- and accent-insensitive: "cafe" finds
//	        "Café"), regex (RE2 on the text as written; add (?i) for case-insensitivity)
//	number  sentiment_score author_followers virality
//	        gt gte lt lte eq
//	bool    public needs_response spam personal_data author_verified customer_vip
//	        in_business_hours
//	        is (true or false)
//	list    customer_tags personal_data_types
//	        has (one string), has_any has_none (a list); case-insensitive
//
// Compile checks everything and reports every problem with its path, such as
// rules[2].when.all[1]: unknown field "folowers". Values are checked against the field:
// intent and sentiment_label take only their known values, sentiment_score lies in -1..1 and
// virality in 0..1, so a rule that could never match because of a typo is refused.
//
// Decoding is strict: an unknown key is an error, not ignored, since a misspelt key would leave
// {} behind, which matches every post. ParseRules locates decoding errors the same way.
//
// # Merging actions
//
// When several rules fire, their actions merge so that the most specific rule, placed first by
// the admin, decides the single-valued things and every rule can add to the rest:
//
//   - team (assign_team, auto_assign with a team_id): the first rule to set it wins;
//   - assignee (assign_agent, auto_assign): the first rule to set it wins. auto_assign asks the
//     caller to Pick among the final team's available agents (all agents when no team is set);
//   - priority (set_priority, escalate): the highest wins, so a later rule never lowers it;
//   - SLA policy: the first rule to set it wins;
//   - tags, notifications and escalations accumulate in rule order (tags without duplicates);
//   - mark_spam: any rule marks the post as spam.
//
// Within one rule the actions apply in order; stop takes effect after all of the rule's
// actions, wherever it is placed.
//
// # Speed
//
// Evaluate allocates only the Outcome's slices. Within all and any, tests run cheapest first
// (they are pure, so order cannot change a result). The text is folded once per post, and only
// if a text test runs. Each regex carries the literals every match must contain, and runs only
// on posts that contain them. See bench_test.go for figures.
//
// # Assignment
//
// Pick chooses the agent for an auto_assign: online, under capacity, with the skills the post
// needs, a store's own staff first for a post about that store, and the least loaded relative to
// capacity. Compare orders a waiting queue: highest priority first, then longest waiting. When
// a slot frees, offer the queued conversations to Pick in that order, skipping those nobody can
// take yet, so that a post waiting for the one French speaker does not hold up the others.
package routing
