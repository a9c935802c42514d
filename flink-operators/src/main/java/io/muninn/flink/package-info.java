/** The Flink operator that runs the recurrent-depth step scheduler over keyed state. */
package io.muninn.flink;
