-- Comma joins in a bad order: every table joined through a condition, no cross product.
SELECT count(*) FROM j1, j5, j4, j3, j2 WHERE a1 = d5 AND a3 = b5 AND a4 = c3 AND a2 = d4 AND b1 < 50;
-- The smaller input builds the hash table.
SELECT count(*) FROM j5 JOIN j4 ON a5 = a4;
SELECT count(*) FROM j4 JOIN j5 ON a5 = a4;
-- WHERE terms go into the scans, through a view.
SELECT * FROM v12 WHERE b1 = 3 AND a2 < 100;
-- Outer joins: WHERE on the preserved side, ON on the nullable side.
SELECT * FROM j1 LEFT JOIN j2 ON a1 = a2 AND c2 = 1 WHERE b1 = 7;
-- No condition between two tables: the cross product is last.
SELECT count(*) FROM j4, j3, j2 WHERE a3 = a2 AND b4 = 1;
-- A few outer rows read the big table through its primary key.
SELECT s.id, b.note FROM small s JOIN big b ON b.id = s.big_id;
SELECT s.id, b.note FROM small s LEFT JOIN big b ON b.id = s.big_id WHERE s.id < 5;
-- Many outer rows hash it instead.
SELECT count(*) FROM j5 JOIN big ON big.id = j5.a5;
-- EXISTS, NOT EXISTS and IN over correlated subqueries become semi and anti joins.
SELECT count(*) FROM j1 WHERE EXISTS (SELECT 1 FROM j2 WHERE a2 = j1.d1 AND c2 = 1);
SELECT count(*) FROM j1 WHERE NOT EXISTS (SELECT 1 FROM j2 WHERE a2 = j1.d1);
SELECT count(*) FROM j1 WHERE b1 IN (SELECT b2 FROM j2 WHERE c2 = j1.c1);
-- Uncorrelated IN stays a subquery run once (hashed).
SELECT count(*) FROM j1 WHERE b1 IN (SELECT b2 FROM j2 WHERE c2 = 3);
-- Other correlations: a nested loop semi join over the subquery run once.
SELECT count(*) FROM j1 WHERE EXISTS (SELECT 1 FROM j2 WHERE a2 > j1.d1 AND c2 = 1);
-- Subqueries in expressions are planned too: the index is used inside.
SELECT a4, (SELECT note FROM big WHERE id = a4) FROM j4 WHERE a4 < 3;
-- Twelve tables: greedy ordering.
SELECT count(*) FROM j1 t1, j1 t2, j1 t3, j1 t4, j1 t5, j1 t6, j1 t7, j1 t8, j1 t9, j1 t10, j1 t11, j4 WHERE t1.a1 = t2.a1 AND t2.a1 = t3.a1 AND t3.a1 = t4.a1 AND t4.a1 = t5.a1 AND t5.a1 = t6.a1 AND t6.a1 = t7.a1 AND t7.a1 = t8.a1 AND t8.a1 = t9.a1 AND t9.a1 = t10.a1 AND t10.a1 = t11.a1 AND t11.a1 = a4;
-- What equalities imply: the constant reaches big's key, read through its index.
SELECT s.id, b.note FROM small s, big b WHERE b.id = s.big_id AND s.big_id = 70;
-- Equated through a third table: the two smaller ones join first.
SELECT count(*) FROM j5, j2, j4 WHERE a5 = a2 AND a2 = a4;
-- A hundred-and-twenty-table chain plans in bounded time.
SELECT count(*) FROM j4 t0, j4 t1, j4 t2, j4 t3, j4 t4, j4 t5, j4 t6, j4 t7, j4 t8, j4 t9, j4 t10, j4 t11, j4 t12, j4 t13, j4 t14, j4 t15, j4 t16, j4 t17, j4 t18, j4 t19, j4 t20, j4 t21, j4 t22, j4 t23, j4 t24, j4 t25, j4 t26, j4 t27, j4 t28, j4 t29, j4 t30, j4 t31, j4 t32, j4 t33, j4 t34, j4 t35, j4 t36, j4 t37, j4 t38, j4 t39, j4 t40, j4 t41, j4 t42, j4 t43, j4 t44, j4 t45, j4 t46, j4 t47, j4 t48, j4 t49, j4 t50, j4 t51, j4 t52, j4 t53, j4 t54, j4 t55, j4 t56, j4 t57, j4 t58, j4 t59, j4 t60, j4 t61, j4 t62, j4 t63, j4 t64, j4 t65, j4 t66, j4 t67, j4 t68, j4 t69, j4 t70, j4 t71, j4 t72, j4 t73, j4 t74, j4 t75, j4 t76, j4 t77, j4 t78, j4 t79, j4 t80, j4 t81, j4 t82, j4 t83, j4 t84, j4 t85, j4 t86, j4 t87, j4 t88, j4 t89, j4 t90, j4 t91, j4 t92, j4 t93, j4 t94, j4 t95, j4 t96, j4 t97, j4 t98, j4 t99, j4 t100, j4 t101, j4 t102, j4 t103, j4 t104, j4 t105, j4 t106, j4 t107, j4 t108, j4 t109, j4 t110, j4 t111, j4 t112, j4 t113, j4 t114, j4 t115, j4 t116, j4 t117, j4 t118, j4 t119 WHERE t0.a4 = t1.a4 + 0 AND t1.a4 = t2.a4 + 0 AND t2.a4 = t3.a4 + 0 AND t3.a4 = t4.a4 + 0 AND t4.a4 = t5.a4 + 0 AND t5.a4 = t6.a4 + 0 AND t6.a4 = t7.a4 + 0 AND t7.a4 = t8.a4 + 0 AND t8.a4 = t9.a4 + 0 AND t9.a4 = t10.a4 + 0 AND t10.a4 = t11.a4 + 0 AND t11.a4 = t12.a4 + 0 AND t12.a4 = t13.a4 + 0 AND t13.a4 = t14.a4 + 0 AND t14.a4 = t15.a4 + 0 AND t15.a4 = t16.a4 + 0 AND t16.a4 = t17.a4 + 0 AND t17.a4 = t18.a4 + 0 AND t18.a4 = t19.a4 + 0 AND t19.a4 = t20.a4 + 0 AND t20.a4 = t21.a4 + 0 AND t21.a4 = t22.a4 + 0 AND t22.a4 = t23.a4 + 0 AND t23.a4 = t24.a4 + 0 AND t24.a4 = t25.a4 + 0 AND t25.a4 = t26.a4 + 0 AND t26.a4 = t27.a4 + 0 AND t27.a4 = t28.a4 + 0 AND t28.a4 = t29.a4 + 0 AND t29.a4 = t30.a4 + 0 AND t30.a4 = t31.a4 + 0 AND t31.a4 = t32.a4 + 0 AND t32.a4 = t33.a4 + 0 AND t33.a4 = t34.a4 + 0 AND t34.a4 = t35.a4 + 0 AND t35.a4 = t36.a4 + 0 AND t36.a4 = t37.a4 + 0 AND t37.a4 = t38.a4 + 0 AND t38.a4 = t39.a4 + 0 AND t39.a4 = t40.a4 + 0 AND t40.a4 = t41.a4 + 0 AND t41.a4 = t42.a4 + 0 AND t42.a4 = t43.a4 + 0 AND t43.a4 = t44.a4 + 0 AND t44.a4 = t45.a4 + 0 AND t45.a4 = t46.a4 + 0 AND t46.a4 = t47.a4 + 0 AND t47.a4 = t48.a4 + 0 AND t48.a4 = t49.a4 + 0 AND t49.a4 = t50.a4 + 0 AND t50.a4 = t51.a4 + 0 AND t51.a4 = t52.a4 + 0 AND t52.a4 = t53.a4 + 0 AND t53.a4 = t54.a4 + 0 AND t54.a4 = t55.a4 + 0 AND t55.a4 = t56.a4 + 0 AND t56.a4 = t57.a4 + 0 AND t57.a4 = t58.a4 + 0 AND t58.a4 = t59.a4 + 0 AND t59.a4 = t60.a4 + 0 AND t60.a4 = t61.a4 + 0 AND t61.a4 = t62.a4 + 0 AND t62.a4 = t63.a4 + 0 AND t63.a4 = t64.a4 + 0 AND t64.a4 = t65.a4 + 0 AND t65.a4 = t66.a4 + 0 AND t66.a4 = t67.a4 + 0 AND t67.a4 = t68.a4 + 0 AND t68.a4 = t69.a4 + 0 AND t69.a4 = t70.a4 + 0 AND t70.a4 = t71.a4 + 0 AND t71.a4 = t72.a4 + 0 AND t72.a4 = t73.a4 + 0 AND t73.a4 = t74.a4 + 0 AND t74.a4 = t75.a4 + 0 AND t75.a4 = t76.a4 + 0 AND t76.a4 = t77.a4 + 0 AND t77.a4 = t78.a4 + 0 AND t78.a4 = t79.a4 + 0 AND t79.a4 = t80.a4 + 0 AND t80.a4 = t81.a4 + 0 AND t81.a4 = t82.a4 + 0 AND t82.a4 = t83.a4 + 0 AND t83.a4 = t84.a4 + 0 AND t84.a4 = t85.a4 + 0 AND t85.a4 = t86.a4 + 0 AND t86.a4 = t87.a4 + 0 AND t87.a4 = t88.a4 + 0 AND t88.a4 = t89.a4 + 0 AND t89.a4 = t90.a4 + 0 AND t90.a4 = t91.a4 + 0 AND t91.a4 = t92.a4 + 0 AND t92.a4 = t93.a4 + 0 AND t93.a4 = t94.a4 + 0 AND t94.a4 = t95.a4 + 0 AND t95.a4 = t96.a4 + 0 AND t96.a4 = t97.a4 + 0 AND t97.a4 = t98.a4 + 0 AND t98.a4 = t99.a4 + 0 AND t99.a4 = t100.a4 + 0 AND t100.a4 = t101.a4 + 0 AND t101.a4 = t102.a4 + 0 AND t102.a4 = t103.a4 + 0 AND t103.a4 = t104.a4 + 0 AND t104.a4 = t105.a4 + 0 AND t105.a4 = t106.a4 + 0 AND t106.a4 = t107.a4 + 0 AND t107.a4 = t108.a4 + 0 AND t108.a4 = t109.a4 + 0 AND t109.a4 = t110.a4 + 0 AND t110.a4 = t111.a4 + 0 AND t111.a4 = t112.a4 + 0 AND t112.a4 = t113.a4 + 0 AND t113.a4 = t114.a4 + 0 AND t114.a4 = t115.a4 + 0 AND t115.a4 = t116.a4 + 0 AND t116.a4 = t117.a4 + 0 AND t117.a4 = t118.a4 + 0 AND t118.a4 = t119.a4 + 0;
-- A correlated subquery that reads one table of a join is applied to that table.
SELECT count(*) FROM j4, j3, j2 WHERE a4 = a3 AND a3 = a2 AND EXISTS (SELECT 1 FROM j5 WHERE a5 = j4.b4);
SELECT count(*) FROM j4 t0, j4 t1, j3 WHERE t1.a4 NOT IN (SELECT b5 FROM j5 WHERE d5 = t1.a4);
