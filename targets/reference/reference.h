// reference.h - the contract of libmiconform_reference.so, the conforming MI client library that
// the suite runs against first and from which the fault-seeded mutants are built; included by
// every source file of the reference.
//
// WHAT IT IS
// A client library in the shape of OMI's libmi.so: one exported entry point,
// MI_Application_InitializeV1, fills an MI_Application whose tables route every session to a
// protocol handler registered in omicli.conf (directory: $MICONFORM_REFERENCE_CONFIG_DIR, read at
// initialize). Like OMI it always passes MI_OPERATIONFLAGS_MANUAL_ACK_RESULTS and its own callbacks
// to the handler, and acknowledges a handler result only once the application has acknowledged it.
//
// PER CALL: WHAT MAY STILL RUN, ON WHICH THREAD, WHAT MAY BE CALLED FROM INSIDE
// Threads that make application callbacks:
//   - the handler's thread (results, messages and progress the handler sends are passed through
//     inside the handler's own callback into the reference);
//   - a reference-owned worker thread of the application (the final result the reference makes up
//     after a cancel, and the whole of an asynchronous session close, completion callback
//     included);
//   - a reference-owned worker thread also for a handler result that arrived while the
//     application still owed the acknowledgement of an earlier one;
//   - the calling thread, for operations that fail at once (started on a closing session or on a
//     handle the reference does not know, or of a kind it does not support): their final result
//     is delivered inside the call that starts them;
//   - the calling thread, too, when the handler makes its callbacks on the caller's thread: then a
//     result may arrive inside the call that starts the operation, that acknowledges the previous
//     result, or that cancels it (Operation Cancel or Close, Session Close, Application Close).
// No reference lock is held during any application or handler callback, so every function of the
// library may be called from inside any callback, with two documented exceptions below.
//
// Operation Cancel: asynchronous; returns at once. The final result follows on a worker thread
//   (MI_RESULT_FAILED, moreResults MI_FALSE) unless the handler's own final result wins the race.
//   Results the handler sends after the final one are acknowledged to the handler and dropped.
// Operation Close: never blocks. Asynchronous operation whose final result is still to come: it
//   is cancelled and its final callback still comes. Synchronous (pull) operation whose final
//   result was not retrieved: returns MI_RESULT_FAILED, but the handle is closed and the operation
//   cancelled all the same. Closing twice, or a handle of someone else:
//   MI_RESULT_INVALID_PARAMETER.
// Operation GetInstance (pull): blocks until the next result; a session or application close (or a
//   cancel) releases it with the final result. The previous result's instance stays valid until the
//   next pull or the close of the operation.
// Result acknowledgement: in manual-ack mode a delivered result blocks the next delivery (the final
//   one included) until the application calls the acknowledgement function it was handed, from any
//   thread, inside or outside the callback.
// Session Close(session, ctx, NULL) (synchronous): cancels every running operation, then blocks
//   until every operation handle of the session is closed, every final result delivered (and
//   acknowledged, in manual-ack mode) and every operation callback returned; closes the handler
//   session, waiting for its completion; frees every object of the session; returns MI_RESULT_OK.
//   No operation callback of the session runs after it returns. Called from inside an operation
//   callback of the same session it deadlocks (documented by MI_Session_Close; not detected).
// Session Close(session, ctx, cb) (asynchronous): cancels as above and returns MI_RESULT_OK at
// once;
//   the waiting and freeing happen on a worker thread, which then calls cb(ctx) exactly once. cb is
//   never called while an operation handle of the session is open or a result unacknowledged; no
//   operation callback of the session runs after cb is entered. Safe from inside any callback.
// Session Close on a NULL, zeroed, foreign or already closed (or closing) session:
//   MI_RESULT_INVALID_PARAMETER; cb is not called.
// Operations started on a closing session, or on a session handle the reference does not know,
//   get their final result (MI_RESULT_FAILED) at once and must still be closed.
// Application Close: cancels every operation of every session, then blocks until the application
//   has closed every session (asynchronous closes: until their completion callback has returned),
//   stops the worker threads, closes and unloads the protocol handlers. Called from inside a
//   callback it deadlocks (documented by MI_Application_Close; not detected).
//
// HANDLES
// Every handle the reference fills carries reserved1 = an object id (never reused) and reserved2 =
// a tag per handle kind. A handle is used only after its id has been found in the registry of its
// kind (handle_registry.h); nothing stored in a handle is ever dereferenced.
//
// LOCKS, in the only order in which they may nest (a lock never taken while a later one is held):
//   1. Application::mutex_  - the application's session set, its closing flag.
//   2. Session::mutex_      - the session's state and the state of all its operations.
//   3. HandleRegistry::mutex_, Dispatcher::mutex_, the closed-session record of session.cc and
//      Reaper::mutex_ (each a variant's only) - leaves.
//   ProtocolHandler::load_mutex_ is taken alone; it is held while the handler library is opened
//   and its entry point called (which cannot call back into the reference), so that a handler is
//   loaded once.
// Apart from load_mutex_, no lock is held while calling an application callback or a handler
// function.
//
// FAULT SEAMS
// Each requirement lives in one small function, so that a mutant (a fault of fault.h, see
// targets/mutants/mutants.json) is one local, commented branch on kFault there
// (`if (Faulty(Fault::k<Name>))`); each library links the same objects with its own kFault:
//   sync close returns before operations finished ...... Session::Close (work left to a worker)
//   close does not cancel running operations ........... Session::CancelOperations
//   cancelled op: no final / two finals / more=TRUE ..... Operation::DeliverLocalFinal (and the
//       handler's final after the session close is dropped in OnHandlerResult, DeliverDeferred)
//   callback after sync close / after async completion . Session::Close, Session::RunAsyncClose
//   async close blocks like sync ....................... Session::Close
//   completion never / twice / wrong context ........... Session::RunAsyncClose
//   lock held across callbacks ......................... Operation::CallApp (taken by
//       Session::Close)
//   NULL or foreign session crashes .................... SessionClose in session_table.cc
//   close leaks session memory ......................... Session::Release
//   close ignores open operation handles ............... Operation::SettledForSessionClose_locked
//   application close does not wait for sessions ....... Application::Close
//   manual ack not required for close .................. Operation::DeliverToApp
// and the timing mutants, whose fault shows only when threads interleave a certain way:
//   cancel lost while a callback runs .................. Operation::RequestCancel (with
//       Operation::CallApp counting this thread's callbacks)
//   close ends while the last callback still runs ...... Operation::AppSideDoneForClose_locked
//       (asynchronous: completion_races_last_callback; synchronous:
//       sync_close_frees_during_callback; Session::FaultEndsEarly_locked tells which)
// and the lawful readings (fault.h: not faults; each links a conforming variant, the "variants" of
// mutants.json, through a branch `if (Reading(...))` on its enumerator). Each reads one sentence
// of the pages otherwise than the contract above does:
//   a second close of a closed or closing session is OK . SessionClose in session_table.cc,
//       Session::Close, Session::CloseAgain (closed ids remembered, and the repeated closes'
//       completions called, by Session::Release; callbacks recorded by Operation::CallApp)
//   sync close from inside a callback is refused ....... Session::Close (with Operation::CallApp
//       recording this thread's callbacks, Operation::ThisThreadInCallbackOf)
//   a cancel closes the handler operation .............. Operation::HandlerCloseDue_locked (and no
//       cancel forwarded by Operation::RequestCancel and Operation::Start)
//   sync operation close waits for the final pull ...... Operation::Close
//   the final result after a cancel is the handler's ... Operation::NeedsLocalFinal_locked,
//       Operation::Pull
//   a closed session's memory is freed by a reaper ..... Session::Release (hands it to the
//       application's Reaper, dispatcher.h), Application::Close (frees the rest, joins it)
//   a cancel's own final on the caller's thread ........ Operation::Advance (delivers it inline
//       inside an Operation::CallersThreadScope, made by Operation::Cancel and Session::Close,
//       unless Operation::CallApp has this thread inside a callback of the same operation)
// Linked with kFault == Fault::kNone, every branch takes the reference's path; members and helpers
// that only a mutant or a variant uses are there but idle.
#ifndef MICONFORM_REFERENCE_REFERENCE_H
#define MICONFORM_REFERENCE_REFERENCE_H

#include "miconform/mi_abi.h"

namespace miconform::reference {

// The function tables whose address the reference puts into every handle it fills.
extern const MI_ApplicationFT kApplicationTable;
extern const MI_SessionFT kSessionTable;
extern const MI_OperationFT kOperationTable;

// The environment variable naming the directory of omicli.conf.
inline constexpr const char* kConfigDirVariable = "MICONFORM_REFERENCE_CONFIG_DIR";

}  // namespace miconform::reference

#endif  // MICONFORM_REFERENCE_REFERENCE_H
