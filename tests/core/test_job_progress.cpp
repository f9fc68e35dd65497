// The one progress line of a sweep: counts, best so far, and a job ETA from the pace of the
// trials done, bounded by the timeout.
#include <gtest/gtest.h>

#include "core/job_progress.h"

using namespace autodet;

TEST(JobProgress, LineCountsDoneRunningLeftAndBest) {
  JobProgressCounts c;
  c.done = 3;
  c.running = 2;
  c.total = 10;
  c.best = 0.41234;
  c.metric = "mean_average_precision";
  c.elapsed_minutes = 12.0;
  EXPECT_EQ(job_progress_line(c), "trials 3/10 done, 2 running, 5 left | best mean_average_precision 0.41234 | 12m00s elapsed, ETA 28m00s");
}

TEST(JobProgress, EtaFollowsThePaceAndStopsAtTheTimeout) {
  JobProgressCounts c;
  c.total = 8;
  c.elapsed_minutes = 5;
  EXPECT_FALSE(job_eta_minutes(c));  // nothing finished, no timeout: unknown
  EXPECT_NE(job_progress_line(c).find("no result yet"), std::string::npos);
  EXPECT_NE(job_progress_line(c).find("ETA ?"), std::string::npos);
  c.done = 2;
  EXPECT_DOUBLE_EQ(*job_eta_minutes(c), 15.0);  // 6 left at 2.5 minutes each
  c.timeout_minutes = 12;
  EXPECT_DOUBLE_EQ(*job_eta_minutes(c), 7.0);  // the timeout ends it sooner
  c.done = 0;
  EXPECT_DOUBLE_EQ(*job_eta_minutes(c), 7.0);
  c.elapsed_minutes = 80;
  c.done = 8;
  c.timeout_minutes.reset();
  EXPECT_DOUBLE_EQ(*job_eta_minutes(c), 0.0);
  EXPECT_NE(job_progress_line(c).find("1h20m elapsed"), std::string::npos) << job_progress_line(c);
}
