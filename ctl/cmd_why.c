/* cmd_why.c — `mentorctl why MENTOR`: the stage with its reason and next
 * step, and the named parts that add up to strength and fit (Why). */
#include "ctl.h"
#include "output.h"
#include "text.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mentord-bus.h"

#define LABEL_COLS 11   /* "Next step" plus two spaces */

struct why_head {
	const char *stage, *reason, *next;
	const char *x_budget;   /* X's budget put reads off (MENTORD_WHY_X_BUDGET); NULL: not */
	double strength, fit;
};

/* One score: the JSON object {"score", "parts"} or a text table. */
struct score_out {
	cJSON *json, *parts;
	struct table *table;
	double of;      /* sum of the parts' maxima */
};

static int score_init(struct score_out *o, bool json, const char *title)
{
	if (json)
		return (o->parts = cJSON_CreateArray()) ? 0 : -ENOMEM;
	if (!(o->table = table_new(3)))
		return -ENOMEM;
	table_add(o->table, title);
	table_add(o->table, "POINTS");
	table_add(o->table, "DETAIL");
	return 0;
}

static int add_part(struct score_out *o, const char *name, double points, double of, const char *detail)
{
	o->of += of;
	if (o->parts) {
		cJSON *p = cJSON_CreateObject();
		cJSON_AddStringToObject(p, "name", name);
		cJSON_AddNumberToObject(p, "points", points);
		cJSON_AddNumberToObject(p, "of", of);
		cJSON_AddStringToObject(p, "detail", detail);
		cJSON_AddItemToArray(o->parts, p);
		return 0;
	}
	char *safe = text_line(detail, 0);
	if (!safe)
		return -ENOMEM;
	table_add(o->table, name);
	table_addf(o->table, "%.1f/%g", points, of);
	table_add(o->table, *safe ? safe : "-");
	free(safe);
	return 0;
}

/* Reads an a(sdds) of parts; X's budget line is no score's part but a
 * line of its own (into h). */
static int read_parts(sd_bus_message *reply, struct score_out *o, struct why_head *h)
{
	const char *name, *detail;
	double points, of;
	int r;

	if ((r = sd_bus_message_enter_container(reply, 'a', "(sdds)")) < 0)
		return r;
	while ((r = sd_bus_message_read(reply, "(sdds)", &name, &points, &of, &detail)) > 0)
		if (strcmp(name, MENTORD_WHY_X_BUDGET) == 0)
			h->x_budget = detail;
		else if ((r = add_part(o, name, points, of, detail)) < 0)
			return r;
	return r < 0 ? r : sd_bus_message_exit_container(reply);
}

static void score_finish(struct score_out *o, double score)
{
	if (o->parts) {
		o->json = cJSON_CreateObject();
		cJSON_AddNumberToObject(o->json, "score", score);
		cJSON_AddItemToObject(o->json, "parts", o->parts);
		o->parts = NULL;   /* owned by o->json now */
	} else {
		table_add(o->table, "total");
		table_addf(o->table, "%.1f/%g", score, o->of);
		table_add(o->table, "the sum of the parts");
	}
}

static void score_clear(struct score_out *o)
{
	cJSON_Delete(o->parts);
	cJSON_Delete(o->json);
	table_free(o->table);
}

static void why_text(const struct why_head *h, struct score_out *strength, struct score_out *fit)
{
	size_t cols = text_columns();
	printf("%-*s%s\n", LABEL_COLS, "Stage", h->stage);
	text_wrap(stdout, "Why        ", LABEL_COLS, h->reason, cols);
	if (*h->next)
		text_wrap(stdout, "Next step  ", LABEL_COLS, h->next, cols);
	if (h->x_budget)
		text_wrap(stdout, "Budget     ", LABEL_COLS, h->x_budget, cols);
	printf("\n");
	table_print(strength->table, true);
	printf("\n");
	table_print(fit->table, true);
}

static int why_json(const struct why_head *h, struct score_out *strength, struct score_out *fit)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "stage", h->stage);
	cJSON_AddStringToObject(o, "stage_reason", h->reason);
	if (*h->next)
		cJSON_AddStringToObject(o, "next_step", h->next);
	else
		cJSON_AddNullToObject(o, "next_step");
	if (h->x_budget)
		cJSON_AddStringToObject(o, "x_budget", h->x_budget);
	else
		cJSON_AddNullToObject(o, "x_budget");
	cJSON_AddItemToObject(o, "strength", strength->json);
	cJSON_AddItemToObject(o, "fit", fit->json);
	strength->json = fit->json = NULL;   /* owned by o now */
	return json_print(o);
}

static int print_why(struct ctl *ctl, sd_bus_message *reply)
{
	struct score_out strength = { 0 }, fit = { 0 };
	struct why_head h = { 0 };
	int r;

	if ((r = score_init(&strength, ctl->json, "STRENGTH")) < 0 || (r = score_init(&fit, ctl->json, "FIT")) < 0 ||
	    (r = sd_bus_message_read(reply, "sssd", &h.stage, &h.reason, &h.next, &h.strength)) < 0 ||
	    (r = read_parts(reply, &strength, &h)) < 0 || (r = sd_bus_message_read(reply, "d", &h.fit)) < 0 ||
	    (r = read_parts(reply, &fit, &h)) < 0)
		goto out;
	score_finish(&strength, h.strength);
	score_finish(&fit, h.fit);
	if (ctl->json)
		r = why_json(&h, &strength, &fit);
	else
		why_text(&h, &strength, &fit);
out:
	score_clear(&strength);
	score_clear(&fit);
	return r;
}

int ctl_why(struct ctl *ctl, int argc, char **argv)
{
	sd_bus_message *reply = NULL;
	int r;

	if (argc != 2 || argv[1][0] == '-')
		return ctl_usage_error("why", "usage: why MENTOR");
	if ((r = ctl_call(ctl, "Why", &reply, "s", argv[1])) != 0)
		return r;
	r = print_why(ctl, reply);
	sd_bus_message_unref(reply);
	return r < 0 ? ctl_bad_reply("Why", r) : CTL_EXIT_OK;
}
