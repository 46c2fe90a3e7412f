package io.kubetrail.report;

import static io.kubetrail.report.ChangesReportTest.fields;
import static io.kubetrail.report.ChangesReportTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubetrail.policy.LoadedPolicy;
import io.kubetrail.policy.PolicyLoader;
import io.kubetrail.policy.PolicyProfile;
import io.kubetrail.report.AuditPolicyReport.CisCheck;
import io.kubetrail.report.AuditPolicyReport.CoverageRow;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditPolicyReportTest {

  private static AuditPolicyReport report(LoadedPolicy policy) {
    return Reports.auditPolicy(policy);
  }

  private static LoadedPolicy profile(PolicyProfile p) {
    return new LoadedPolicy(p.policy(), p.profileName(), List.of());
  }

  @Test
  void theCisProfileMeetsBothRecommendationsAndLogsWhatReplayNeeds() {
    AuditPolicyReport r = report(profile(PolicyProfile.CIS));

    assertThat(r.checks()).extracting(CisCheck::id).containsExactly("3.2.1", "3.2.2");
    assertThat(r.checks()).allMatch(CisCheck::passed);
    assertThat(r.coverage()).hasSize(24).allMatch(CoverageRow::sufficient);
    assertThat(r.evidence().warnings()).isEmpty();
  }

  @Test
  void calicosPolicyMissesTheKeySecurityConcerns() {
    AuditPolicyReport r = report(profile(PolicyProfile.CALICO));

    assertThat(r.checks().get(0).passed()).isTrue();
    CisCheck concerns = r.checks().get(1);
    assertThat(concerns.passed()).isFalse();
    assertThat(concerns.findings())
        .contains(
            "get secrets: not logged (None, no rule matched); CIS asks for Metadata",
            "create pods/exec: not logged (None, no rule matched)");
  }

  @Test
  void aPolicyLoggingSecretBodiesFailsAndOneLoggingNothingIsNotMinimal() throws Exception {
    LoadedPolicy everything =
        PolicyLoader.load(
            "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: RequestResponse\n",
            "all.yaml");
    assertThat(report(everything).checks().get(1).findings())
        .contains(
            "get secrets: logged at RequestResponse by rules[0], which records bodies holding"
                + " credentials; CIS asks for Metadata only");

    LoadedPolicy none =
        PolicyLoader.load(
            "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n", "none.yaml");
    AuditPolicyReport empty = report(none);
    assertThat(empty.checks().get(0).findings())
        .containsExactly("the policy logs neither reads nor writes of pods");
    assertThat(empty.evidence().warnings()).hasSize(24);
  }

  @Test
  void jsonAndCsvHaveTheirShapes() throws Exception {
    AuditPolicyReport r = report(profile(PolicyProfile.CALICO));
    JsonNode json = json(r);
    assertThat(fields(json))
        .containsExactly(
            "reportType", "policy", "policyWarnings", "checks", "coverage", "evidence");
    assertThat(fields(json.get("checks").get(0)))
        .containsExactly("id", "title", "result", "findings");
    assertThat(json.get("checks").get(1).get("result").asText()).isEqualTo("fail");
    assertThat(fields(json.get("coverage").get(0)))
        .containsExactly("resource", "verb", "level", "rule", "sufficient");

    Map<String, byte[]> csv = ReportWriter.files(r, ReportFormat.CSV);
    assertThat(csv.keySet()).containsExactly("checks.csv", "coverage.csv");
    assertThat(new String(csv.get("coverage.csv"), StandardCharsets.UTF_8))
        .startsWith("resource,verb,level,rule,sufficient\r\npods,create,RequestResponse,rules[");
  }
}
