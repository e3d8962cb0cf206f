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
#include "pairpad-completion-proposal.h"
#include "pairpad-completion-provider.h"
#include "pairpad-room-view.h"

/* A real daemon and a room made on the start page, so the app holds its
 * owner key, as in test-history-dialog. The room's provider is asked
 * through the GtkSourceCompletionProvider interface with a context of the
 * editor's own completion, as the completion window would; what the room
 * and the daemon have afterwards is checked on the buffer and over REST. */

#define FIRST_LINE "total_count = 0\n"

typedef struct
{
  PpTestDaemon    *daemon;
  GSettings       *settings;
  GPtrArray       *opened;
  char            *room;
  char            *key;
  PairpadRoomView *owner;
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

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_auto(GStrv) opened = NULL;
  GtkWidget *start_view;

  f->daemon = pp_test_daemon_new (PP_BACKEND_SQLITE, NULL);
  if (f->daemon == NULL)
    return;
  pp_test_daemon_start (f->daemon);

  f->settings = pp_test_settings_new (f->daemon->base_url);
  f->opened = g_ptr_array_new_with_free_func (g_free);

  start_view = pp_test_start_view_new (f->opened);
  pp_test_window_new (start_view, 720, 420);
  g_assert_true (gtk_widget_activate_action (start_view, "start.create", NULL));
  PP_TEST_WAIT (f->opened->len == 1, 10000);
  opened = g_strsplit (g_ptr_array_index (f->opened, 0), " ", 3);
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
}

/* Typed into @view and stored by the daemon. */
static void
type_text (PairpadRoomView *view,
           const char      *text)
{
  gtk_text_buffer_insert_at_cursor (pp_test_room_view_buffer (view), text, -1);
  PP_TEST_WAIT (pp_client_session_get_n_unsent (pairpad_room_view_get_session (view)) == 0, 10000);
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
  type_text (f->owner, FIRST_LINE);

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

  type_text (f->owner, FIRST_LINE "tot");
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

  return g_test_run ();
}
