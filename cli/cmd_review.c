/* tergeu review: the pairs linkage could not decide, one by one on a
 * terminal (both records side by side, the score's explanation: link,
 * not the same, skip); --json prints the queue for tools.
 * tergeu review --decide RECORD RECORD link|not-link [--note TEXT]
 * tergeu review --decisions | --undo DECISION_ID */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "link/link.h"
#include "text/text.h"

struct queue {
	tg_store *st;
	json_t *items;
};

static int collect(void *ctx, const tg_review_item *it)
{
	struct queue *q = ctx;
	json_array_append_new(q->items, json_pack("{s:i, s:f, s:o, s:o, s:o}", "position",
		(int)it->pos, "probability", it->prob, "a", tg_raw_json(q->st, it->a), "b",
		tg_raw_json(q->st, it->b), "explanation", json_loads(it->explain, 0, NULL)));
	return 0;
}

static void side_by_side(struct cli *c, tg_store *st, const json_t *a, const json_t *b)
{
	const char *label, *key;
	for (int k = 0; (key = tg_link_review_field(k, &label)); k++) {
		char *x = tg_link_review_value(st, key, json_string_value(json_object_get(a, key)), c->lang);
		char *y = tg_link_review_value(st, key, json_string_value(json_object_get(b, key)), c->lang);
		if (x || y)
			printf("  %-*s %-*s %s\n", cli_width(label, 14), label, cli_width(x ? x : "-", 36),
			       x ? x : "-", y ? y : "-");
		free(x);
		free(y);
	}
}

static int decide(tg_store *st, long long a, long long b, bool link, const char *note)
{
	tg_error err = {0};
	char uid[TG_UUID_LEN];
	if (tg_linkdb_decide(st, a, b, link, note, uid, &err))
		return cli_fail(&err);
	printf(_("decision %s recorded: %s (applies at the next tergeu link)\n"), uid,
	       link ? _("the same person") : _("not the same person"));
	return CLI_OK;
}

static int interactive(struct cli *c, tg_store *st, json_t *items)
{
	size_t i, n = json_array_size(items), done = 0;
	json_t *it;
	json_array_foreach(items, i, it) {
		printf("\n");
		printf(_("pair %zu of %zu, match probability %.3f\n"), i + 1, n,
		       json_number_value(json_object_get(it, "probability")));
		side_by_side(c, st, json_object_get(it, "a"), json_object_get(it, "b"));
		cli_print_explanation(json_object_get(it, "explanation"));
		for (;;) {
			printf(_("[l] same person, [n] not the same, [s] skip, [q] quit: "));
			fflush(stdout);
			char line[64];
			if (!fgets(line, sizeof line, stdin))
				goto out;
			long long a = json_integer_value(json_object_get(json_object_get(it, "a"), "raw"));
			long long b = json_integer_value(json_object_get(json_object_get(it, "b"), "raw"));
			if (line[0] == 'l' || line[0] == 'n') {
				int rc = decide(st, a, b, line[0] == 'l', NULL);
				if (rc)
					return rc;
				done++;
				break;
			}
			if (line[0] == 's')
				break;
			if (line[0] == 'q')
				goto out;
		}
	}
out:
	printf(_("%zu decisions recorded; run tergeu link to apply them\n"), done);
	return CLI_OK;
}

static int print_decision(void *ctx, const tg_link_decision *d)
{
	struct cli *c = ctx;
	if (c->json) {
		json_t *o = json_pack("{s:s, s:I, s:I, s:s, s:s?, s:s, s:s, s:s?}", "id", d->uid,
		                      "a", (json_int_t)d->a, "b", (json_int_t)d->b,
		                      "decision", d->link ? "link" : "not_link", "note", d->note,
		                      "actor", d->actor, "at", d->at, "undone", d->undone);
		char *s = json_dumps(o, JSON_COMPACT);
		puts(s);
		free(s);
		json_decref(o);
		return 0;
	}
	printf("%s  %lld %lld  %-9s %s %s%s%s\n", d->uid, d->a, d->b,
	       d->link ? _("link") : _("not-link"), d->at, d->actor,
	       d->undone ? _("  undone ") : "", d->undone ? d->undone : "");
	return 0;
}

CLI_CMD(review)
{
	const char *dec[3] = {NULL, NULL, NULL}, *note = NULL, *undo = NULL;
	bool list_decisions = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--decide") && i + 3 < argc) {
			dec[0] = argv[++i];
			dec[1] = argv[++i];
			dec[2] = argv[++i];
		} else if (!strcmp(argv[i], "--note") && i + 1 < argc) {
			note = argv[++i];
		} else if (!strcmp(argv[i], "--undo") && i + 1 < argc) {
			undo = argv[++i];
		} else if (!strcmp(argv[i], "--decisions")) {
			list_decisions = true;
		} else {
			return cli_usage_error("review", _("unexpected argument \"%s\""), argv[i]);
		}
	}
	if (dec[2] && strcmp(dec[2], "link") && strcmp(dec[2], "not-link"))
		return cli_usage_error("review", _("--decide: say link or not-link, not \"%s\""), dec[2]);
	tg_store *st;
	int rc = cli_open(c, 0, &st);
	if (rc)
		return rc;
	tg_error err = {0};
	if (dec[0]) {
		long long a, b;
		rc = cli_raw_id(st, "--decide", dec[0], &a);
		if (!rc)
			rc = cli_raw_id(st, "--decide", dec[1], &b);
		if (!rc)
			rc = decide(st, a, b, !strcmp(dec[2], "link"), note);
	} else if (undo) {
		rc = tg_linkdb_undo(st, undo, &err) ? cli_fail(&err) : CLI_OK;
		if (!rc)
			printf(_("decision %s undone (applies at the next tergeu link)\n"), undo);
	} else if (list_decisions) {
		rc = tg_linkdb_decisions(st, true, print_decision, c, &err) ? cli_fail(&err) : CLI_OK;
	} else {
		struct queue q = {st, json_array()};
		rc = tg_linkdb_review(st, collect, &q, &err) ? cli_fail(&err) : CLI_OK;
		if (!rc && c->json)
			cli_print_json(q.items);
		else if (!rc && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
			rc = interactive(c, st, q.items);
		else if (!rc) {
			size_t i;
			json_t *it;
			printf(_("%zu pairs to review\n"), json_array_size(q.items));
			json_array_foreach(q.items, i, it) {
				printf(_("pair %zu, match probability %.3f\n"), i + 1,
				       json_number_value(json_object_get(it, "probability")));
				side_by_side(c, st, json_object_get(it, "a"), json_object_get(it, "b"));
			}
		}
		json_decref(q.items);
	}
	tg_store_close(st);
	return rc;
}
