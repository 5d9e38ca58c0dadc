#pragma once
// CAPIF_API_Invoker_Management_API service logic (TS 29.222 clause 5.5): onboarding, update, offboarding.
#include "capif/model/api_invoker_management.hpp"
#include "ccf/service/context.hpp"

namespace capif::ccf {

class InvokerManagement {
 public:
  explicit InvokerManagement(CcfContext ctx) : ctx_(ctx) {}

  // The caller's onboarding credential is checked by the adapter. Returns the enrolment with the
  // assigned apiInvokerId, its certificate and the onboarding secret (shown this once).
  model::APIInvokerEnrolmentDetails onboard(model::APIInvokerEnrolmentDetails in);
  // PUT: a new CSR in apiInvokerPublicKey renews the certificate; the old one stops working at once.
  // With onboarding.require_approval, an update that changes what the operator approves (apiList,
  // notificationDestination, apiInvokerInformation) is kept for the operator instead: nullopt, answered 202.
  std::optional<model::APIInvokerEnrolmentDetails> update(const Principal& caller, const std::string& id,
                                                          model::APIInvokerEnrolmentDetails in);
  std::optional<model::APIInvokerEnrolmentDetails> patch(const Principal& caller, const std::string& id,
                                                         const model::APIInvokerEnrolmentDetailsPatch& patch);
  void offboard(const Principal& caller, const std::string& id);

  // onboarding.require_approval: keeps the request (its CSR already verified) for the operator and
  // returns its pending id; the POST is answered 202.
  std::string request_onboarding(model::APIInvokerEnrolmentDetails in);
  // Acts on the operator's decisions (`capif-ccf approve|reject`): an approved request becomes an invoker
  // (or, for an update, is applied) and its OnboardingNotification carries the enrolment details; a rejected
  // one is told so. A request undecided for onboarding.pending_ttl_s is rejected. Returns how many were
  // closed.
  std::size_t process_decisions();

 private:
  InvokerRecord own(const Principal& caller, const std::string& id) const;
  std::optional<model::APIInvokerEnrolmentDetails> replace(InvokerRecord rec,
                                                           model::APIInvokerEnrolmentDetails in);
  // The record after the update (a renewed certificate when the CSR changed); nothing is written.
  InvokerRecord updated(InvokerRecord rec, model::APIInvokerEnrolmentDetails in) const;
  void close_update(const PendingOnboarding& p);
  // The record with what an approved update asked for applied onto it (PendingOnboarding).
  InvokerRecord approved_update(InvokerRecord rec, const model::APIInvokerEnrolmentDetails& asked) const;
  // A new invoker from an onboarding request: id, certificate, secret (returned, only its hash is kept).
  std::pair<InvokerRecord, std::string> enrol(model::APIInvokerEnrolmentDetails in) const;
  CcfContext ctx_;
};

}  // namespace capif::ccf
