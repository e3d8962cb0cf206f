/* ppb-result.c: the numbers of one run, as the shared JSON format and for a person.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ppb-result"

#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>

#include "ppb-result.h"

PpbResult *
ppb_result_new (const char *scenario)
{
  PpbResult *self = g_new0 (PpbResult, 1);

  self->scenario = g_strdup (scenario);
  self->latency_p50_ms = NAN;
  self->latency_p95_ms = NAN;
  self->latency_p99_ms = NAN;
  self->latency_max_ms = NAN;
  self->server_cpu_pct = NAN;
  self->server_cpu_us_per_op = NAN;
  self->server_rss_kib = -1;
  self->rss_per_conn_kib = NAN;
  self->welcome_ms = NAN;
  self->client_cpu_pct = NAN;

  return self;
}

void
ppb_result_free (PpbResult *self)
{
  if (self == NULL)
    return;

  g_free (self->scenario);
  g_free (self->error);
  g_free (self);
}

/* The first error is kept: later ones are usually its consequences. */
void
ppb_result_set_error (PpbResult  *self,
                      const char *format,
                      ...)
{
  va_list args;

  g_return_if_fail (self != NULL);

  if (self->error != NULL)
    return;

  va_start (args, format);
  self->error = g_strdup_vprintf (format, args);
  va_end (args);
}

static void
add_double (JsonBuilder *builder,
            const char  *name,
            double       value,
            double       scale)
{
  json_builder_set_member_name (builder, name);
  if (isnan (value))
    json_builder_add_null_value (builder);
  else
    json_builder_add_double_value (builder, round (value * scale) / scale);
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  if (value < 0)
    json_builder_add_null_value (builder);
  else
    json_builder_add_int_value (builder, value);
}

/* One line of JSON, members in the order of the shared format. json-glib
 * 1.6 writes doubles with 17 significant digits (0.941 comes out as
 * 0.94099999999999995), which any JSON parser reads back as 0.941. */
char *
ppb_result_to_json (PpbResult *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "server");
  json_builder_add_string_value (builder, "pairpadd");
  json_builder_set_member_name (builder, "store");
  json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "scenario");
  json_builder_add_string_value (builder, self->scenario);
  add_int (builder, "clients", self->clients);
  add_int (builder, "rooms", self->rooms);
  add_double (builder, "duration_s", self->duration_s, 1000);
  add_int (builder, "ops_sent", (gint64) self->ops_sent);
  add_int (builder, "ops_acked", (gint64) self->ops_acked);
  add_double (builder, "acked_per_s", self->acked_per_s, 10);

  json_builder_set_member_name (builder, "latency_ms");
  json_builder_begin_object (builder);
  add_double (builder, "p50", self->latency_p50_ms, 1000);
  add_double (builder, "p95", self->latency_p95_ms, 1000);
  add_double (builder, "p99", self->latency_p99_ms, 1000);
  add_double (builder, "max", self->latency_max_ms, 1000);
  add_int (builder, "samples", self->latency_samples);
  json_builder_end_object (builder);

  add_double (builder, "server_cpu_pct", self->server_cpu_pct, 100);
  add_double (builder, "server_cpu_us_per_op", self->server_cpu_us_per_op, 10);
  add_int (builder, "server_rss_kib", self->server_rss_kib);
  add_double (builder, "rss_per_conn_kib", self->rss_per_conn_kib, 100);
  add_double (builder, "welcome_ms", self->welcome_ms, 100);
  add_double (builder, "client_cpu_pct", self->client_cpu_pct, 100);
  json_builder_set_member_name (builder, "converged");
  json_builder_add_boolean_value (builder, self->converged);
  json_builder_set_member_name (builder, "error");
  if (self->error != NULL)
    json_builder_add_string_value (builder, self->error);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);

  return json_generator_to_data (generator, NULL);
}

static void
append_number (GString    *out,
               double      value,
               int         decimals,
               const char *unit)
{
  if (isnan (value))
    g_string_append (out, "n/a");
  else
    g_string_append_printf (out, "%.*f%s", decimals, value, unit);
}

char *
ppb_result_to_text (PpbResult *self)
{
  g_autoptr(GString) out = g_string_new (NULL);

  g_return_val_if_fail (self != NULL, NULL);

  g_string_append_printf (out, "scenario:          %s, %u client%s in %u room%s\n",
                          self->scenario, self->clients, self->clients == 1 ? "" : "s",
                          self->rooms, self->rooms == 1 ? "" : "s");
  g_string_append_printf (out, "measured phase:    %.3f s\n", self->duration_s);
  g_string_append_printf (out, "ops sent:          %" G_GUINT64_FORMAT "\n", self->ops_sent);
  g_string_append_printf (out, "ops acked:         %" G_GUINT64_FORMAT " (%.1f per second)\n",
                          self->ops_acked, self->acked_per_s);

  g_string_append (out, "latency:           ");
  if (self->latency_samples == 0)
    g_string_append (out, "no samples\n");
  else
    g_string_append_printf (out, "p50 %.3f ms, p95 %.3f ms, p99 %.3f ms, max %.3f ms "
                            "(%u samples)\n", self->latency_p50_ms, self->latency_p95_ms,
                            self->latency_p99_ms, self->latency_max_ms, self->latency_samples);

  g_string_append (out, "server CPU:        ");
  append_number (out, self->server_cpu_pct, 2, " %");
  g_string_append (out, ", ");
  append_number (out, self->server_cpu_us_per_op, 1, " µs per acked op");
  g_string_append (out, "\nserver RSS:        ");
  if (self->server_rss_kib < 0)
    g_string_append (out, "n/a");
  else
    g_string_append_printf (out, "%" G_GINT64_FORMAT " KiB", self->server_rss_kib);
  g_string_append_c (out, '\n');

  if (!isnan (self->rss_per_conn_kib))
    g_string_append_printf (out, "RSS per connection: %.2f KiB\n", self->rss_per_conn_kib);
  if (!isnan (self->welcome_ms))
    g_string_append_printf (out, "welcome:           %.2f ms\n", self->welcome_ms);

  g_string_append (out, "bench CPU:         ");
  append_number (out, self->client_cpu_pct, 2, " %");
  g_string_append_printf (out, "\nconverged:         %s\n", self->converged ? "yes" : "NO");
  if (self->error != NULL)
    g_string_append_printf (out, "error:             %s\n", self->error);

  return g_string_free (g_steal_pointer (&out), FALSE);
}
