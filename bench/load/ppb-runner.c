/* ppb-runner.c: runs one scenario against a daemon and measures it.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ppb-runner"

#include "config.h"

#include <math.h>
#include <string.h>

#include "ppb-client.h"
#include "ppb-latency.h"
#include "ppb-proc.h"
#include "ppb-rest.h"
#include "ppb-runner.h"

/* A run goes through fixed phases, each waiting on the one main context
 * until its condition holds or its time is up:
 *
 *   create rooms ─▶ connect clients ─▶ warm-up ─▶ measured phase ─▶ stop typing
 *     (REST)       (bounded handshakes)  (typing)   (typing; /proc and
 *                                                    getrusage before/after)
 *   ─▶ [bigdoc: newcomers] ─▶ settle ─▶ compare texts with each other and
 *                                       with GET …/text ─▶ close everything
 *
 * The load generator is a client like any other, so it never blocks: all
 * I/O is asynchronous and the waits iterate the main context. */

/* REST requests in flight at once while rooms are created. */
#define MAX_REST_REQUESTS 16
#define N_NEWCOMERS 3
#define SETTLE_TIMEOUT_US (30 * G_USEC_PER_SEC)
#define CLOSE_TIMEOUT_US (10 * G_USEC_PER_SEC)
#define JOIN_TIMEOUT_US (60 * G_USEC_PER_SEC)

typedef struct
{
  char      *id;
  char      *ws_url;
  GPtrArray *clients;        /* PpbClient; the first ones type */
  char      *rest_text;
  gint64     rest_version;
} Room;

typedef struct _Runner Runner;
typedef struct _RoomJob RoomJob;

/* Starts one REST request for @job->room; its callback ends with
 * finish_room_request(). */
typedef void (*RoomRequestFunc) (Runner  *r,
                                 RoomJob *job);

struct _Runner
{
  /* Borrowed */
  const PpbScenario *scenario;
  const PpbOptions  *options;
  PpbResult         *result;

  /* Owned */
  SoupSession       *soup;           /* REST calls */
  PpPoller          *poller;         /* every client's socket */
  PpbLatency        *latency;
  GPtrArray         *rooms;          /* Room */
  GPtrArray         *clients;        /* PpbClient, every one */
  char              *initial_text;

  /* REST calls, one room at a time, at most MAX_REST_REQUESTS at once */
  RoomRequestFunc    room_request;
  guint              next_room;
  guint              n_rooms_done;
  guint              n_requests;

  /* Connections, at most options->max_handshakes being opened at once */
  guint              next_client;
  guint              n_connecting;
  guint              n_joined;
  guint              n_failed;       /* closed before they joined */
  guint              n_closed;
};

struct _RoomJob
{
  Runner *runner;
  Room   *room;
};

typedef gboolean (*DoneFunc) (gpointer data);

static void
room_free (Room *room)
{
  g_free (room->id);
  g_free (room->ws_url);
  g_ptr_array_unref (room->clients);
  g_free (room->rest_text);
  g_free (room);
}

static gboolean
deadline_cb (gpointer data)
{
  gboolean *expired = data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the main context until @done holds (never, with NULL) or
 * @timeout_us has passed. Returns whether @done held. */
static gboolean
run_until (DoneFunc  done,
           gpointer  data,
           gint64    timeout_us)
{
  gboolean expired = FALSE;
  guint deadline = g_timeout_add_full (G_PRIORITY_HIGH, MAX (timeout_us / 1000, 1), deadline_cb,
                                       &expired, NULL);

  while (!expired && !(done != NULL && done (data)))
    g_main_context_iteration (NULL, TRUE);

  if (!expired)
    g_source_remove (deadline);

  return done != NULL && done (data);
}

/* Words of 1 to 10 letters, about one line in eight words. */
static char *
make_text (gsize   n_bytes,
           guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  GString *text = g_string_sized_new (n_bytes + 16);

  while (text->len < n_bytes)
    {
      gint length = g_rand_int_range (rand, 1, 11);

      for (gint i = 0; i < length; i++)
        g_string_append_c (text, 'a' + g_rand_int_range (rand, 0, 26));
      g_string_append_c (text, g_rand_int_range (rand, 0, 8) == 0 ? '\n' : ' ');
    }
  g_string_truncate (text, n_bytes);

  return g_string_free (text, FALSE);
}

/* Rooms */

static void
start_room_requests (Runner *r)
{
  while (r->result->error == NULL && r->n_requests < MAX_REST_REQUESTS &&
         r->next_room < r->rooms->len)
    {
      RoomJob *job = g_new0 (RoomJob, 1);

      job->runner = r;
      job->room = g_ptr_array_index (r->rooms, r->next_room++);
      r->n_requests++;
      r->room_request (r, job);
    }
}

/* Ends one request of the round, frees @job and starts the next. */
static void
finish_room_request (RoomJob *job)
{
  Runner *r = job->runner;

  r->n_requests--;
  r->n_rooms_done++;
  g_free (job);
  start_room_requests (r);
}

static gboolean
rest_calls_done (gpointer data)
{
  Runner *r = data;

  return r->n_requests == 0 &&
         (r->n_rooms_done == r->rooms->len || r->result->error != NULL);
}

/* One REST request per room, @request starting each; FALSE on timeout. */
static gboolean
run_room_requests (Runner          *r,
                   RoomRequestFunc  request,
                   gint64           timeout)
{
  r->room_request = request;
  r->next_room = r->n_rooms_done = 0;
  start_room_requests (r);

  return run_until (rest_calls_done, r, timeout);
}

static void
on_room_created (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  RoomJob *job = data;
  Runner *r = job->runner;
  g_autoptr(GError) error = NULL;

  job->room->id = ppb_rest_create_room_finish (SOUP_SESSION (source), result, &error);
  if (job->room->id == NULL)
    ppb_result_set_error (r->result, "cannot create a room: %s", error->message);
  else if (!(job->room->ws_url = ppb_rest_dup_ws_url (r->options->url, job->room->id, &error)))
    ppb_result_set_error (r->result, "%s", error->message);

  finish_room_request (job);
}

static void
create_room (Runner  *r,
             RoomJob *job)
{
  ppb_rest_create_room_async (r->soup, r->options->url, r->initial_text, NULL,
                              on_room_created, job);
}

static gboolean
create_rooms (Runner *r)
{
  gint64 started = g_get_monotonic_time ();
  gint64 timeout = 60 * G_USEC_PER_SEC + r->rooms->len * 50000;

  if (!run_room_requests (r, create_room, timeout))
    ppb_result_set_error (r->result, "creating %u rooms took more than %" G_GINT64_FORMAT " s",
                          r->rooms->len, timeout / G_USEC_PER_SEC);

  g_debug ("Created %u room%s in %.1f ms", r->n_rooms_done, r->n_rooms_done == 1 ? "" : "s",
           (g_get_monotonic_time () - started) / 1000.0);

  return r->result->error == NULL;
}

/* Connections */

static void start_connects (Runner *r);

static void
on_client_joined (PpbClient *client,
                  Runner    *r)
{
  r->n_joined++;
  r->n_connecting--;
  if (r->n_joined % 1000 == 0)
    g_debug ("%u clients joined", r->n_joined);
  start_connects (r);
}

static void
on_client_closed (PpbClient *client,
                  Runner    *r)
{
  r->n_closed++;
  if (!ppb_client_is_joined (client))
    {
      r->n_failed++;
      r->n_connecting--;
      start_connects (r);
    }
}

/* For REST calls: @max_conns bounds the requests in flight. */
static SoupSession *
new_session (guint max_conns)
{
  return soup_session_new_with_options ("max-conns", max_conns,
                                        "max-conns-per-host", max_conns,
                                        /* A handshake may wait long for a busy
                                         * daemon; the run's own deadlines bound
                                         * every wait. */
                                        "timeout", 0,
                                        /* Loopback measurements: no proxy, and no proxy
                                         * lookup per connection. */
                                        "proxy-resolver", NULL,
                                        NULL);
}

static PpbClient *
add_client (Runner     *r,
            Room       *room,
            const char *client_id)
{
  PpbClient *client = ppb_client_new (r->poller, room->ws_url, client_id, r->latency);

  g_signal_connect (client, "joined", G_CALLBACK (on_client_joined), r);
  g_signal_connect (client, "closed", G_CALLBACK (on_client_closed), r);
  g_ptr_array_add (room->clients, client);
  g_ptr_array_add (r->clients, client);

  return client;
}

static void
start_connects (Runner *r)
{
  while (r->n_connecting < r->options->max_handshakes && r->next_client < r->clients->len)
    {
      r->n_connecting++;
      ppb_client_connect (g_ptr_array_index (r->clients, r->next_client++));
    }
}

static gboolean
clients_connected (gpointer data)
{
  Runner *r = data;

  return r->n_joined + r->n_failed == r->clients->len;
}

static const char *
first_client_error (Runner *r,
                    guint  *n_errors)
{
  const char *first = NULL;

  *n_errors = 0;
  for (guint i = 0; i < r->clients->len; i++)
    {
      const char *error = ppb_client_get_error (g_ptr_array_index (r->clients, i));

      if (error != NULL)
        {
          (*n_errors)++;
          first = first ? first : error;
        }
    }

  return first;
}

static gboolean
connect_clients (Runner *r)
{
  gint64 started = g_get_monotonic_time ();
  gint64 timeout;
  guint n_errors;
  const char *error;

  for (guint i = 0; i < r->rooms->len; i++)
    {
      Room *room = g_ptr_array_index (r->rooms, i);

      for (guint j = 0; j < r->scenario->clients_per_room; j++)
        {
          g_autofree char *id = g_strdup_printf ("bench-%06u", r->clients->len);

          add_client (r, room, id);
        }
    }

  /* Generous: a daemon whose listen backlog overflows makes some clients
   * wait for SYN retransmits (1 s, 3 s, 7 s…). */
  timeout = 60 * G_USEC_PER_SEC + r->clients->len * 20000;
  start_connects (r);
  if (!run_until (clients_connected, r, timeout))
    {
      ppb_result_set_error (r->result, "only %u of %u clients joined in %" G_GINT64_FORMAT " s",
                            r->n_joined, r->clients->len, timeout / G_USEC_PER_SEC);
      return FALSE;
    }

  g_debug ("%u client%s joined in %.1f ms", r->n_joined, r->n_joined == 1 ? "" : "s",
           (g_get_monotonic_time () - started) / 1000.0);

  if (r->n_failed > 0)
    {
      error = first_client_error (r, &n_errors);
      ppb_result_set_error (r->result, "%u of %u clients could not join; the first: %s",
                            r->n_failed, r->clients->len, error ? error : "no reason given");
      return FALSE;
    }

  return TRUE;
}

static void
set_typing (Runner   *r,
            gboolean  typing)
{
  guint index = 0;

  for (guint i = 0; i < r->rooms->len; i++)
    {
      Room *room = g_ptr_array_index (r->rooms, i);

      for (guint j = 0; j < room->clients->len; j++, index++)
        {
          PpbClient *client = g_ptr_array_index (room->clients, j);

          if (!typing)
            ppb_client_stop_typing (client);
          else if (j < r->scenario->typists_per_room)
            /* Each client its own stream, reproducible from --seed. */
            ppb_client_start_typing (client, r->scenario->interval_ms,
                                     r->options->seed * 1000003u + index);
        }
    }
}

static gboolean
sample_server (Runner        *r,
               PpbProcSample *sample)
{
  g_autoptr(GError) error = NULL;

  if (r->options->server_pid <= 0)
    return FALSE;

  if (!ppb_proc_sample (r->options->server_pid, sample, &error))
    {
      ppb_result_set_error (r->result, "cannot read the server's figures: %s", error->message);
      return FALSE;
    }

  return TRUE;
}

/* bigdoc: a newcomer's wait for the whole document, while nobody types.
 * Measured after the typing phase: the load generator is single-threaded,
 * and parsing a 10 MiB welcome would stall the typists' latency samples. */

static gboolean
client_settled (gpointer data)
{
  PpbClient *client = data;

  return ppb_client_is_joined (client) || ppb_client_get_error (client) != NULL;
}

static gint
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
measure_welcome (Runner *r)
{
  Room *room = g_ptr_array_index (r->rooms, 0);
  double times[N_NEWCOMERS];

  for (guint i = 0; i < N_NEWCOMERS; i++)
    {
      g_autofree char *id = g_strdup_printf ("bench-newcomer-%u", i);
      PpbClient *client = add_client (r, room, id);

      r->next_client = r->clients->len;
      r->n_connecting++;
      ppb_client_connect (client);
      if (!run_until (client_settled, client, JOIN_TIMEOUT_US) || !ppb_client_is_joined (client))
        {
          ppb_result_set_error (r->result, "a newcomer could not join: %s",
                                ppb_client_get_error (client) ? ppb_client_get_error (client)
                                                              : "timed out");
          return;
        }

      times[i] = ppb_client_get_join_time (client) / 1000.0;
      g_debug ("Newcomer %u: welcome with the whole document after %.2f ms", i, times[i]);
    }

  qsort (times, N_NEWCOMERS, sizeof times[0], compare_doubles);
  r->result->welcome_ms = times[N_NEWCOMERS / 2];
}

/* Convergence */

static gboolean
rooms_settled (gpointer data)
{
  Runner *r = data;

  for (guint i = 0; i < r->rooms->len; i++)
    {
      Room *room = g_ptr_array_index (r->rooms, i);
      gint64 version = -1;

      for (guint j = 0; j < room->clients->len; j++)
        {
          PpbClient *client = g_ptr_array_index (room->clients, j);
          gint64 v;

          /* A lost client never settles; it is reported on its own. */
          if (!ppb_client_is_open (client))
            continue;
          if (!ppb_client_is_synced (client))
            return FALSE;

          /* All synced at one version: everyone has every op, its own acked
           * and everybody else's received, so the last op of each too. */
          v = pp_client_session_get_version (ppb_client_get_session (client));
          if (version >= 0 && v != version)
            return FALSE;
          version = v;
        }
    }

  return TRUE;
}

static void
on_text_read (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  RoomJob *job = data;
  g_autoptr(GError) error = NULL;

  job->room->rest_text = ppb_rest_get_text_finish (SOUP_SESSION (source), result,
                                                   &job->room->rest_version, &error);
  if (job->room->rest_text == NULL)
    ppb_result_set_error (job->runner->result, "cannot read a room's text: %s", error->message);

  finish_room_request (job);
}

static void
read_text (Runner  *r,
           RoomJob *job)
{
  ppb_rest_get_text_async (r->soup, r->options->url, job->room->id, NULL, on_text_read, job);
}

/* Every client's text against the daemon's, which stands for all of them
 * being identical to each other too. */
static gboolean
check_convergence (Runner *r)
{
  guint n_open = 0, n_differ = 0;
  g_autofree char *first_difference = NULL;

  if (!run_until (rooms_settled, r, SETTLE_TIMEOUT_US))
    {
      ppb_result_set_error (r->result, "the clients did not settle within %d s of the end of "
                            "typing", (int) (SETTLE_TIMEOUT_US / G_USEC_PER_SEC));
      return FALSE;
    }

  if (!run_room_requests (r, read_text, 60 * G_USEC_PER_SEC + r->rooms->len * 50000))
    ppb_result_set_error (r->result, "reading the rooms' texts timed out");
  if (r->result->error != NULL)
    return FALSE;

  for (guint i = 0; i < r->rooms->len; i++)
    {
      Room *room = g_ptr_array_index (r->rooms, i);

      for (guint j = 0; j < room->clients->len; j++)
        {
          PpbClient *client = g_ptr_array_index (room->clients, j);
          PpClientSession *session = ppb_client_get_session (client);
          g_autofree char *text = NULL;
          gint64 version;

          if (!ppb_client_is_open (client))
            continue;

          n_open++;
          text = pp_client_session_dup_text (session);
          version = pp_client_session_get_version (session);
          if (version == room->rest_version && strcmp (text, room->rest_text) == 0)
            continue;

          n_differ++;
          if (first_difference == NULL)
            first_difference =
              g_strdup_printf ("%s in room %s at version %" G_GINT64_FORMAT " with %"
                               G_GSIZE_FORMAT " bytes, the daemon at version %" G_GINT64_FORMAT
                               " with %" G_GSIZE_FORMAT " bytes",
                               pp_client_session_get_client (session), room->id, version,
                               strlen (text), room->rest_version, strlen (room->rest_text));
        }
    }

  if (n_differ > 0)
    {
      ppb_result_set_error (r->result, "%u of %u clients disagree with the daemon; the first: %s",
                            n_differ, n_open, first_difference);
      return FALSE;
    }

  return n_open == r->clients->len;
}

/* FALSE, with the result's error set, when a client lost its connection
 * or was told off by the daemon. */
static gboolean
check_clients (Runner *r)
{
  const char *error;
  guint n_errors, n_lost = 0;

  for (guint i = 0; i < r->clients->len; i++)
    {
      PpbClient *client = g_ptr_array_index (r->clients, i);

      n_lost += ppb_client_is_joined (client) && !ppb_client_is_open (client);
    }

  error = first_client_error (r, &n_errors);
  if (n_lost > 0)
    {
      r->result->converged = FALSE;
      ppb_result_set_error (r->result, "%u of %u clients lost their connection; the first "
                            "error: %s", n_lost, r->clients->len, error ? error : "none given");
    }
  else if (error != NULL)
    ppb_result_set_error (r->result, "%u client%s reported errors; the first: %s", n_errors,
                          n_errors == 1 ? "" : "s", error);

  return n_lost == 0 && error == NULL;
}

static gboolean
all_closed (gpointer data)
{
  Runner *r = data;

  return r->n_closed == r->clients->len;
}

static void
runner_clear (Runner *r)
{
  for (guint i = 0; i < r->clients->len; i++)
    ppb_client_close (g_ptr_array_index (r->clients, i));
  if (!run_until (all_closed, r, CLOSE_TIMEOUT_US))
    g_debug ("%u client%s did not finish closing", r->clients->len - r->n_closed,
             r->clients->len - r->n_closed == 1 ? "" : "s");

  for (guint i = 0; i < r->clients->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (r->clients, i), r);

  g_clear_pointer (&r->rooms, g_ptr_array_unref);
  g_clear_pointer (&r->clients, g_ptr_array_unref);
  g_clear_pointer (&r->latency, ppb_latency_free);
  g_clear_pointer (&r->initial_text, g_free);
  g_clear_pointer (&r->poller, pp_poller_unref);
  soup_session_abort (r->soup);
  g_clear_object (&r->soup);
}

/* Returns: (transfer full): the result; its error says what failed */
PpbResult *
ppb_runner_run (const PpbScenario *scenario,
                const PpbOptions  *options)
{
  Runner runner = { 0, };
  Runner *r = &runner;
  PpbResult *result;
  PpbProcSample before = { 0, }, start = { 0, }, end = { 0, };
  gboolean have_before = FALSE, have_start = FALSE, have_end = FALSE;
  gint64 started_at, ended_at, cpu_at_start, cpu_at_end;
  double duration_s;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (scenario != NULL, NULL);
  g_return_val_if_fail (options != NULL && options->url != NULL, NULL);

  duration_s = options->duration_s > 0 ? options->duration_s : scenario->duration_s;

  r->scenario = scenario;
  r->options = options;
  r->result = result = ppb_result_new (scenario->name);
  result->rooms = scenario->n_rooms;
  result->clients = scenario->n_rooms * scenario->clients_per_room;

  r->soup = new_session (MAX_REST_REQUESTS);
  r->poller = pp_poller_new (&error);
  r->latency = ppb_latency_new ();
  r->rooms = g_ptr_array_new_with_free_func ((GDestroyNotify) room_free);
  r->clients = g_ptr_array_new_with_free_func (g_object_unref);
  r->initial_text = make_text (scenario->initial_bytes, options->seed);

  for (guint i = 0; i < scenario->n_rooms; i++)
    {
      Room *room = g_new0 (Room, 1);

      room->clients = g_ptr_array_new ();
      g_ptr_array_add (r->rooms, room);
    }

  if (r->poller == NULL)
    {
      ppb_result_set_error (result, "%s", error->message);
      goto out;
    }

  if (!create_rooms (r))
    goto out;

  have_before = sample_server (r, &before);
  if (!connect_clients (r))
    goto out;

  if (scenario->measure_rss && have_before && sample_server (r, &end))
    result->rss_per_conn_kib = (double) (end.rss_kib - before.rss_kib) / r->clients->len;

  if (scenario->typists_per_room > 0)
    {
      set_typing (r, TRUE);
      run_until (NULL, NULL, (gint64) (options->warmup_s * G_USEC_PER_SEC));
    }

  started_at = g_get_monotonic_time ();
  ppb_latency_start_window (r->latency, started_at);
  cpu_at_start = ppb_proc_self_cpu_us ();
  have_start = sample_server (r, &start);

  run_until (NULL, NULL, (gint64) (duration_s * G_USEC_PER_SEC));

  ended_at = g_get_monotonic_time ();
  ppb_latency_end_window (r->latency, ended_at);
  cpu_at_end = ppb_proc_self_cpu_us ();
  have_end = sample_server (r, &end);
  set_typing (r, FALSE);

  result->duration_s = (ended_at - started_at) / (double) G_USEC_PER_SEC;
  result->ops_sent = ppb_latency_get_ops_sent (r->latency);
  result->ops_acked = ppb_latency_get_ops_acked (r->latency);
  result->acked_per_s = result->ops_acked / result->duration_s;
  result->client_cpu_pct = 100.0 * (cpu_at_end - cpu_at_start) / (ended_at - started_at);
  if (have_start && have_end)
    {
      result->server_cpu_pct = 100.0 * (end.cpu_us - start.cpu_us) / (ended_at - started_at);
      if (result->ops_acked > 0)
        result->server_cpu_us_per_op = (double) (end.cpu_us - start.cpu_us) / result->ops_acked;
      result->server_rss_kib = end.rss_kib;
    }

  {
    PpbStats *stats = ppb_latency_get_stats (r->latency);

    result->latency_samples = ppb_stats_get_n_samples (stats);
    result->latency_p50_ms = ppb_stats_get_percentile (stats, 50);
    result->latency_p95_ms = ppb_stats_get_percentile (stats, 95);
    result->latency_p99_ms = ppb_stats_get_percentile (stats, 99);
    result->latency_max_ms = ppb_stats_get_max (stats);
  }

  if (ppb_latency_get_n_unmatched (r->latency) > 0)
    g_warning ("%" G_GUINT64_FORMAT " received ops had no known send time",
               ppb_latency_get_n_unmatched (r->latency));

  if (scenario->measure_welcome && check_clients (r))
    measure_welcome (r);

  if (check_clients (r))
    result->converged = check_convergence (r);

out:
  check_clients (r);
  runner_clear (r);

  return result;
}
