/* test-completion.c: the daemon's completions in a room's editor.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-completion"

#include "config.h"

#include <adwaita.h>
#include <pairpad.h>

#include "app-harness.h"
#include "daemon-harness.h"
#include "fake-model-server.h"
#include "pairpad-completion-proposal.h"
#include "pairpad-completion-provider.h"
#include "pairpad-room-view.h"

/* A real daemon and a room made on the start page, so the app holds its
 * owner key, as in test-history-dialog. The room's provider is asked
 * through the GtkSourceCompletionProvider interface with a context of the
 * editor's own completion, as the completion window would; what the room
 * and the daemon have afterwards is checked on the buffer and over REST.
 * With a language model (a fake model server), the editor's own completion
 * window is shown and read, as people see it. */

#define FIRST_LINE "total_count = 0\n"
/* What the model says follows "result = tot": two lines, one non-ASCII. */
#define MODEL_TEXT "al_count * 2\nprint (\"√\", result)"
#define MODEL_LABEL "al_count * 2"

typedef struct
{
  PpFakeModelServer *model;   /* (nullable) */
  PpTestDaemon      *daemon;
  GSettings         *settings;
  GPtrArray         *opened;
  char              *room;
  char              *key;
  PairpadRoomView   *owner;
} Fixture;

static PairpadRoomView *
open_room (Fixture *f)
{
  return pp_test_room_view_open (f->daemon->base_url, f->room, NULL);
}

static void
set_access (Fixture    *f,
            const char *access)
{
  g_autofree char *body = g_strdup_printf ("{\"access\": \"%s\"}", access);
  g_autoptr(JsonNode) node = NULL;

  node = pp_test_room_request (f->daemon, f->room, "PATCH", "access", body, f->key, 200);
}

/* With @data, the daemon asks a fake model server for completions. */
static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_auto(GStrv) opened = NULL;
  GtkWidget *start_view;

  if (data != NULL)
    {
      f->model = pp_fake_model_server_new (FALSE);
      pp_fake_model_server_set_completion (f->model, MODEL_TEXT);
      f->daemon = pp_test_daemon_new (PP_BACKEND_SQLITE,
                                      "--completion-endpoint", f->model->url,
                                      "--completion-model", "tiny-coder", NULL);
    }
  else
    {
      f->daemon = pp_test_daemon_new (PP_BACKEND_SQLITE, NULL);
    }
  if (f->daemon == NULL)
    return;
  pp_test_daemon_start (f->daemon);

  f->settings = pp_test_settings_new (f->daemon->base_url);
  f->opened = g_ptr_array_new_with_free_func (g_free);

  start_view = pp_test_start_view_new (f->opened);
  pp_test_window_new (start_view, 720, 420);
  opened = pp_test_create_room (start_view, f->opened);
  f->room = g_strdup (opened[1]);
  f->key = pp_test_secrets_dup (pairpad_secrets_get_default (), PAIRPAD_SECRET_OWNER_KEY,
                                f->daemon->base_url, f->room);
  g_assert_cmpstr (f->key, !=, "");

  f->owner = open_room (f);
  PP_TEST_WAIT (pp_test_room_view_is_in (f->owner), 10000);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  pp_test_destroy_windows ();
  g_clear_pointer (&f->settings, pp_test_settings_reset_and_unref);
  g_clear_pointer (&f->opened, g_ptr_array_unref);
  g_clear_pointer (&f->room, g_free);
  g_clear_pointer (&f->key, g_free);
  g_clear_pointer (&f->daemon, pp_test_daemon_free);
  g_clear_pointer (&f->model, pp_fake_model_server_free);
}

/* A context of @view's own completion, at the caret. */
static GtkSourceCompletionContext *
context_new (PairpadRoomView *view)
{
  GtkSourceView *source_view = GTK_SOURCE_VIEW (pairpad_room_view_get_source_view (view));

  return g_object_new (GTK_SOURCE_TYPE_COMPLETION_CONTEXT,
                       "completion", gtk_source_view_get_completion (source_view),
                       NULL);
}

static void
populate_async (PairpadRoomView             *view,
                GtkSourceCompletionContext  *context,
                GAsyncResult               **result)
{
  gtk_source_completion_provider_populate_async (
    GTK_SOURCE_COMPLETION_PROVIDER (pairpad_room_view_get_completion_provider (view)),
    context, NULL, pp_test_keep_result, result);
}

static GListModel *
populate_finish (PairpadRoomView  *view,
                 GAsyncResult    **result,
                 GError          **error)
{
  g_autoptr(GAsyncResult) kept = NULL;

  PP_TEST_WAIT (*result != NULL, 10000);
  kept = g_steal_pointer (result);

  return gtk_source_completion_provider_populate_finish (
    GTK_SOURCE_COMPLETION_PROVIDER (pairpad_room_view_get_completion_provider (view)),
    kept, error);
}

static GListModel *
populate (PairpadRoomView            *view,
          GtkSourceCompletionContext *context)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *model;

  populate_async (view, context, &result);
  model = populate_finish (view, &result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (model);

  return model;
}

static PairpadCompletionProposal *
find_proposal (GListModel *model,
               const char *label)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(PairpadCompletionProposal) proposal = g_list_model_get_item (model, i);

      if (g_strcmp0 (pairpad_completion_proposal_get_label (proposal), label) == 0)
        return proposal;
    }

  return NULL;
}

/* In a room only its owner may open, "tot" on a new line completes to the
 * name on the first, even asked for before the daemon has what was just
 * typed; the chosen name replaces the word as one edit, everywhere. */
static void
test_complete (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GtkSourceCompletionContext) context = NULL;
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  GtkSourceCompletionProposal *proposal;
  PpClientSession *session;
  GListModel *superseded;

  if (f->daemon == NULL)
    return;

  set_access (f, "restricted");
  session = pairpad_room_view_get_session (f->owner);
  PP_TEST_WAIT (pp_client_session_get_general_access (session) == PP_GENERAL_ACCESS_RESTRICTED,
                10000);
  pp_test_room_view_type (f->owner, FIRST_LINE);

  /* Asked at once: the request waits for the daemon to have "tot". */
  gtk_text_buffer_insert_at_cursor (pp_test_room_view_buffer (f->owner), "tot", -1);
  g_assert_cmpuint (pp_client_session_get_n_unsent (session), >, 0);
  context = context_new (f->owner);
  model = populate (f->owner, context);
  g_assert_cmpuint (pp_client_session_get_n_unsent (session), ==, 0);
  proposal = GTK_SOURCE_COMPLETION_PROPOSAL (find_proposal (model, "total_count"));
  g_assert_nonnull (proposal);
  g_assert_cmpstr (pairpad_completion_proposal_get_insert (PAIRPAD_COMPLETION_PROPOSAL (proposal)),
                   ==, "total_count");
  g_assert_cmpint (pairpad_completion_proposal_get_kind (PAIRPAD_COMPLETION_PROPOSAL (proposal)),
                   ==, PAIRPAD_COMPLETION_KIND_WORD);
  g_clear_object (&model);

  /* A newer request supersedes the one in flight. */
  populate_async (f->owner, context, &first);
  model = populate (f->owner, context);
  superseded = populate_finish (f->owner, &first, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (superseded);
  proposal = GTK_SOURCE_COMPLETION_PROPOSAL (find_proposal (model, "total_count"));
  g_assert_nonnull (proposal);

  gtk_source_completion_provider_activate (
    GTK_SOURCE_COMPLETION_PROVIDER (pairpad_room_view_get_completion_provider (f->owner)),
    context, proposal);
  text = pp_test_buffer_dup_text (pp_test_room_view_buffer (f->owner));
  g_assert_cmpstr (text, ==, FIRST_LINE "total_count");
  g_clear_pointer (&text, g_free);

  PP_TEST_WAIT (pp_client_session_get_n_unsent (session) == 0, 10000);
  node = pp_test_room_request (f->daemon, f->room, "GET", "", NULL, f->key, 200);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "text"), ==,
                   FIRST_LINE "total_count");

  /* One edit: one undo brings back the word as typed. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->owner), "room.undo", NULL));
  text = pp_test_buffer_dup_text (pp_test_room_view_buffer (f->owner));
  g_assert_cmpstr (text, ==, FIRST_LINE "tot");
}

/* Someone who may only watch is offered nothing. */
static void
test_viewer (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GtkSourceCompletionContext) context = NULL;
  g_autoptr(GListModel) model = NULL;
  GtkTextBuffer *buffer;
  PairpadRoomView *guest;
  GtkTextIter end;

  if (f->daemon == NULL)
    return;

  pp_test_room_view_type (f->owner, FIRST_LINE "tot");
  set_access (f, "view");

  /* Someone else's app: no owner key. */
  pp_test_secrets_forget (pairpad_secrets_get_default (), PAIRPAD_SECRET_OWNER_KEY,
                          f->daemon->base_url, f->room);
  guest = open_room (f);
  PP_TEST_WAIT (pp_test_room_view_is_in (guest), 10000);
  g_assert_cmpint (pp_client_session_get_role (pairpad_room_view_get_session (guest)), ==, PP_ROLE_VIEWER);

  buffer = pp_test_room_view_buffer (guest);
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_place_cursor (buffer, &end);
  context = context_new (guest);
  model = populate (guest, context);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
}

/* GtkSourceView's completion window (a popover on the view), once made. */
static GtkWidget *
completion_popup (PairpadRoomView *view)
{
  GType list_type = g_type_from_name ("GtkSourceCompletionList");

  if (list_type == 0)
    return NULL;

  return pp_test_find_widget (GTK_WIDGET (pairpad_room_view_get_source_view (view)), list_type,
                              NULL);
}

/* Returns: (transfer full) (nullable): the context of the editor's
 * completion window, once that shows proposals and waits for no more */
static GtkSourceCompletionContext *
dup_shown_context (PairpadRoomView *view)
{
  GtkWidget *popup = completion_popup (view);
  g_autoptr(GtkSourceCompletionContext) context = NULL;

  if (popup == NULL || !gtk_widget_get_mapped (popup))
    return NULL;

  g_object_get (popup, "context", &context, NULL);
  if (context == NULL || gtk_source_completion_context_get_busy (context) ||
      g_list_model_get_n_items (G_LIST_MODEL (context)) == 0)
    return NULL;

  return g_steal_pointer (&context);
}

static GtkSourceCompletion *
completion_of (PairpadRoomView *view)
{
  GtkSourceView *source_view = GTK_SOURCE_VIEW (pairpad_room_view_get_source_view (view));

  return gtk_source_view_get_completion (source_view);
}

/* As Ctrl+Space does. The completion does nothing for a view without the
 * keyboard focus, which needs an active window: without a window manager,
 * presenting a window that shows already asks the X server for the focus.
 * Returns: (transfer full): the shown window's context */
static GtkSourceCompletionContext *
show_completion (PairpadRoomView *view)
{
  GtkWidget *source_view = GTK_WIDGET (pairpad_room_view_get_source_view (view));
  GtkSourceCompletionContext *context = NULL;

  gtk_window_present (GTK_WINDOW (gtk_widget_get_root (source_view)));
  gtk_widget_grab_focus (source_view);
  PP_TEST_WAIT (gtk_widget_has_focus (source_view), 10000);

  gtk_source_completion_show (completion_of (view));
  PP_TEST_WAIT ((context = dup_shown_context (view)) != NULL, 10000);
  g_assert_nonnull (context);

  return context;
}

/* Typed as keys are: one character at a time, each refiltering the window. */
static void
type_keys (PairpadRoomView *view,
           const char      *keys)
{
  for (const char *c = keys; *c != '\0'; c = g_utf8_next_char (c))
    gtk_text_buffer_insert_at_cursor (pp_test_room_view_buffer (view), c,
                                      g_utf8_next_char (c) - c);
}

/* Returns: (transfer full): the @n-th proposal the window lists */
static PairpadCompletionProposal *
dup_nth_proposal (GtkSourceCompletionContext *context,
                  guint                       n)
{
  g_autoptr(GtkSourceCompletionProposal) proposal = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (context)), >, n);
  proposal = g_list_model_get_item (G_LIST_MODEL (context), n);
  g_assert_true (PAIRPAD_IS_COMPLETION_PROPOSAL (proposal));

  return PAIRPAD_COMPLETION_PROPOSAL (g_steal_pointer (&proposal));
}

static PairpadCompletionKind
nth_kind (GtkSourceCompletionContext *context,
          guint                       n)
{
  g_autoptr(PairpadCompletionProposal) proposal = dup_nth_proposal (context, n);

  return pairpad_completion_proposal_get_kind (proposal);
}

static char *
dup_nth_label (GtkSourceCompletionContext *context,
               guint                       n)
{
  g_autoptr(PairpadCompletionProposal) proposal = dup_nth_proposal (context, n);

  return g_strdup (pairpad_completion_proposal_get_label (proposal));
}

static gboolean
offers_model (GtkSourceCompletionContext *context)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (context)); i++)
    if (nth_kind (context, i) == PAIRPAD_COMPLETION_KIND_MODEL)
      return TRUE;

  return FALSE;
}

/* Chosen in the window, as Enter does: the provider inserts it and the
 * window closes. */
static void
choose (PairpadRoomView            *view,
        GtkSourceCompletionContext *context,
        PairpadCompletionProposal  *proposal)
{
  gtk_source_completion_provider_activate (
    GTK_SOURCE_COMPLETION_PROVIDER (pairpad_room_view_get_completion_provider (view)),
    context, GTK_SOURCE_COMPLETION_PROPOSAL (proposal));
  gtk_source_completion_hide (completion_of (view));
}

/* A model's continuation comes first in the window, marked as the model's;
 * typing on keeps it while the typing is the start of it, and choosing it
 * inserts the rest at the caret, lines and all, as one edit everyone gets;
 * typing something else drops it. */
static void
test_model (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GtkSourceCompletionContext) context = NULL;
  g_autoptr(PairpadCompletionProposal) first = NULL;
  g_autoptr(JsonObject) sent = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *path = NULL;
  g_autofree char *authorization = NULL;
  g_autofree char *text = NULL;
  g_autofree char *label = NULL;
  PpClientSession *session;
  GtkTextBuffer *buffer;
  GtkTextIter caret;

  if (f->daemon == NULL)
    return;

  session = pairpad_room_view_get_session (f->owner);
  buffer = pp_test_room_view_buffer (f->owner);
  pp_test_room_view_type (f->owner, FIRST_LINE "result = tot");

  context = show_completion (f->owner);
  first = dup_nth_proposal (context, 0);
  g_assert_cmpint (pairpad_completion_proposal_get_kind (first), ==, PAIRPAD_COMPLETION_KIND_MODEL);
  g_assert_cmpstr (pairpad_completion_proposal_get_label (first), ==, MODEL_LABEL);
  g_assert_cmpstr (pairpad_completion_proposal_get_insert (first), ==, MODEL_TEXT);
  g_assert_false (pairpad_completion_proposal_replaces_word (first));
  label = dup_nth_label (context, 1);
  g_assert_cmpstr (label, ==, "total_count");
  PP_TEST_WAIT (pp_test_shows (completion_popup (f->owner), MODEL_LABEL), 10000);
  PP_TEST_WAIT (pp_test_shows (completion_popup (f->owner), "Model"), 10000);
  pp_test_save_screenshot (GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (f->owner))),
                           completion_popup (f->owner), "app-completion-model.png");

  /* The model was asked with the text before the caret. */
  sent = pp_fake_model_server_dup_last (f->model, &path, &authorization);
  g_assert_cmpstr (json_object_get_string_member (sent, "model"), ==, "tiny-coder");
  g_assert_cmpstr (json_object_get_string_member (sent, "prompt"), ==,
                   FIRST_LINE "result = tot");

  /* Typing the model's next character keeps it first. */
  type_keys (f->owner, "a");
  g_clear_object (&context);
  g_clear_object (&first);
  context = dup_shown_context (f->owner);
  g_assert_nonnull (context);
  first = dup_nth_proposal (context, 0);
  g_assert_cmpint (pairpad_completion_proposal_get_kind (first), ==, PAIRPAD_COMPLETION_KIND_MODEL);

  /* The rest goes in at the caret, "tota" left as typed. */
  choose (f->owner, context, first);
  text = pp_test_buffer_dup_text (buffer);
  g_assert_cmpstr (text, ==, FIRST_LINE "result = total_count * 2\nprint (\"√\", result)");
  gtk_text_buffer_get_iter_at_mark (buffer, &caret, gtk_text_buffer_get_insert (buffer));
  g_assert_true (gtk_text_iter_is_end (&caret));

  PP_TEST_WAIT (pp_client_session_get_n_unsent (session) == 0, 10000);
  node = pp_test_room_request (f->daemon, f->room, "GET", "", NULL, f->key, 200);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "text"), ==, text);

  /* One edit: one undo takes all of it back. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->owner), "room.undo", NULL));
  g_clear_pointer (&text, g_free);
  text = pp_test_buffer_dup_text (buffer);
  g_assert_cmpstr (text, ==, FIRST_LINE "result = tota");

  /* Typing what the model did not say drops it; the words stay. This is
   * the window's second showing, after a proposal was chosen: with no rows
   * left from the first, it has a size only with GtkSourceView's styles,
   * which gtk_source_init() loads. */
  gtk_text_buffer_get_end_iter (buffer, &caret);
  gtk_text_buffer_place_cursor (buffer, &caret);
  PP_TEST_WAIT (pp_client_session_get_n_unsent (session) == 0, 10000);
  g_clear_object (&context);
  context = show_completion (f->owner);
  g_assert_cmpint (nth_kind (context, 0), ==, PAIRPAD_COMPLETION_KIND_MODEL);
  type_keys (f->owner, "_");
  g_clear_object (&context);
  context = dup_shown_context (f->owner);
  g_assert_nonnull (context);
  g_assert_false (offers_model (context));
  g_clear_pointer (&label, g_free);
  label = dup_nth_label (context, 0);
  g_assert_cmpstr (label, ==, "total_count");
  gtk_source_completion_hide (completion_of (f->owner));
}

/* When the model's server fails, the built-in proposals still come. */
static void
test_model_fails (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GtkSourceCompletionContext) context = NULL;
  g_autofree char *label = NULL;
  guint n_requests;

  if (f->daemon == NULL)
    return;

  pp_fake_model_server_set_mode (f->model, PP_FAKE_MODEL_FAIL);
  n_requests = pp_fake_model_server_get_n_requests (f->model);
  pp_test_room_view_type (f->owner, FIRST_LINE "result = tot");

  context = show_completion (f->owner);
  g_assert_false (offers_model (context));
  label = dup_nth_label (context, 0);
  g_assert_cmpstr (label, ==, "total_count");
  PP_TEST_WAIT (pp_test_shows (completion_popup (f->owner), "total_count"), 10000);
  g_assert_false (pp_test_shows (completion_popup (f->owner), "Model"));
  /* Asked, and failed. */
  g_assert_cmpuint (pp_fake_model_server_get_n_requests (f->model), >, n_requests);
  g_assert_cmpint (pp_test_daemon_get_metric (
                     f->daemon, "pairpad_completion_fallbacks_total{reason=\"error\"}"), ==, 1);
  gtk_source_completion_hide (completion_of (f->owner));
}

int
main (int   argc,
      char *argv[])
{
  if (!pp_test_app_init (&argc, &argv))
    return g_test_run ();

  g_test_add ("/pairpad/completion/complete", Fixture, NULL,
              fixture_setup, test_complete, fixture_teardown);
  g_test_add ("/pairpad/completion/viewer", Fixture, NULL,
              fixture_setup, test_viewer, fixture_teardown);
  g_test_add ("/pairpad/completion/model", Fixture, "model",
              fixture_setup, test_model, fixture_teardown);
  g_test_add ("/pairpad/completion/model-fails", Fixture, "model",
              fixture_setup, test_model_fails, fixture_teardown);

  return g_test_run ();
}
