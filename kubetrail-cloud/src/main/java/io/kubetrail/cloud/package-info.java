/**
 * Sources on managed control planes, whose API servers write no file anyone can read. {@link
 * io.kubetrail.cloud.EksCloudwatchSource} drains an EKS cluster's audit log group in CloudWatch
 * Logs; {@link io.kubetrail.cloud.CloudSources} builds it from a collector configuration.
 *
 * <p>This is the only module that depends on the AWS SDK.
 *
 * <p>Everything public here is API; other classes are implementation details.
 */
package io.kubetrail.cloud;
