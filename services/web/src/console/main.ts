import ElementPlus from "element-plus";
import zhCn from "element-plus/es/locale/lang/zh-cn.mjs";
import "element-plus/dist/index.css";
import "./theme.css";
import { createApp } from "vue";
import { createRouter, createWebHistory } from "vue-router";
import App from "./App.vue";
import { restore } from "./auth";
import Home from "./views/Home.vue";
import Screening from "./views/Screening.vue";
import Council from "./views/Council.vue";
import Filing from "./views/Filing.vue";
import Meeting from "./views/Meeting.vue";
import Meetings from "./views/Meetings.vue";
import Research from "./views/Research.vue";
import ResearchTopic from "./views/ResearchTopic.vue";

const router = createRouter({
  history: createWebHistory("/console/"),
  routes: [
    { path: "/", component: Home, meta: { title: "工作台" } },
    { path: "/communities/:community/screening", component: Screening, props: true, meta: { title: "确定议题" } },
    { path: "/communities/:community/council", component: Council, props: true, meta: { title: "议事会组成" } },
    { path: "/communities/:community/filing", component: Filing, props: true, meta: { title: "代为登记" } },
    { path: "/communities/:community/research", component: Research, props: true, meta: { title: "议前调研" } },
    { path: "/communities/:community/research/:topic", component: ResearchTopic, props: true, meta: { title: "议前调研" } },
    { path: "/communities/:community/meetings", component: Meetings, props: true, meta: { title: "组织协商" } },
    { path: "/communities/:community/meetings/:meeting", component: Meeting, props: true, meta: { title: "协商会议" } },
    // Loaded when first opened: the office screens bring ECharts, which the others do not need.
    { path: "/communities/:community/disclosure", component: () => import("./views/Disclosure.vue"), props: true, meta: { title: "公示与异议" } },
    { path: "/communities/:community/tasks", component: () => import("./views/Tasks.vue"), props: true, meta: { title: "组织落实" } },
    { path: "/offices", component: () => import("./views/Offices.vue"), meta: { title: "辖区社区一览" } },
    { path: "/division-meetings", component: () => import("./views/DivisionMeetings.vue"), meta: { title: "辖区议事会议" } },
    { path: "/registry", component: () => import("./views/Registry.vue"), meta: { title: "行政区划" } },
    { path: "/settings", component: () => import("./views/Settings.vue"), meta: { title: "议事规则设置" } },
    { path: "/ledger", component: () => import("./views/Ledger.vue"), meta: { title: "协商议事台账" } },
  ],
});
router.afterEach((to) => {
  document.title = `${String(to.meta.title ?? "工作台")} · 议事`;
});

restore()
  .catch((error) => console.error("sign-in could not be completed", error))
  .finally(() => createApp(App).use(ElementPlus, { locale: zhCn }).use(router).mount("#app"));
